"""LEGION Bench scenarios written the CrewAI way.

The C++ harness imports this package inside its embedded interpreter (where the
`legion_bridge` module exists) and calls `support`, `build`, then `run` on the runner any
number of times. One module per concept: the LLM, tools, retrieval, message conversion, and
one module per pattern. CrewAI itself is imported first, offline and in a directory of its
own (crewai_home.py).
"""

from __future__ import annotations

from typing import Any

from legion_common import Runner, RunnerTable, endpoint, memory_top_k

# First of the package's modules: every other one imports crewai, which crewai_home imports in
# its own directory.
from .crewai_home import CREWAI

# isort: split
from .http_llm import http_llm
from .llm import LegionLLM
from .retrieval import SearchMemoryTool
from .scenario import Scenario
from .tools import catalogue_tools

__all__ = ["FRAMEWORK_MODULES", "LegionLLM", "SearchMemoryTool", "build", "support", "version"]

FRAMEWORK_MODULES = [CREWAI.__name__]

RUNNERS = RunnerTable[Scenario](
    __name__,
    framework="CrewAI",
    distributions=("crewai",),
)
version = RUNNERS.version
support = RUNNERS.support


def build(spec: dict[str, Any], model: Any, tools: Any, memory: Any) -> Runner:
    """Construct the scenario's agents, crews and flows once; run() only kicks them off."""

    def scenario() -> Scenario:
        memory_tool = None
        if memory is not None:
            memory_tool = SearchMemoryTool(memory=memory, k=memory_top_k(spec))
        # The transport is the harness's choice: the simulated model in-process, or an endpoint.
        served = endpoint(spec)
        llm = (
            LegionLLM(model="legion-simulated", client=model)
            if served is None
            else http_llm(served)
        )
        return Scenario(spec, catalogue_tools(tools), memory_tool, llm)

    return RUNNERS.build(spec, scenario)
