"""LEGION Bench scenarios written the OpenAI Agents SDK (openai-agents 0.24) way.

The C++ harness imports this package inside its embedded interpreter (where the
`legion_bridge` module exists) and calls `support`, `build`, then `run` on the runner any
number of times. Every agent is an `Agent` run by `Runner.run` on `LegionModel` (the SDK's
`Model` interface over LEGION's simulated model); tracing is off and no OpenAI client is made,
so nothing leaves the machine. Over HTTP (the spec's `endpoint`, legion-bench
--transport=http) the agents run on the SDK's `OpenAIChatCompletionsModel` with an
`AsyncOpenAI` client pointed at the endpoint instead (http_model.py). One module per concept: the model, item conversion, tools, and
one module per pattern.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import version as _package_version
from typing import Any

from agents import RunConfig, set_tracing_disabled

from legion_common import endpoint, unsupported

from .code_execution import CodeExecutionRunner
from .concurrent import ConcurrentRunner
from .consensus import ConsensusRunner
from .fan_out import FanOutRunner
from .group_chat import GroupChatRunner
from .hierarchy import HierarchyRunner
from .http_model import http_client, http_model
from .human import HumanRunner
from .iterative import IterativeRunner
from .model import LegionModel, LegionModelProvider
from .pipeline import PipelineRunner
from .scenario import Runner, Scenario
from .single import SingleRunner
from .tools import catalogue_tools, search_memory_tool

__all__ = ["LegionModel", "LegionModelProvider", "build", "support", "version"]

# Spans would be exported to OpenAI's tracing endpoint; OPENAI_AGENTS_DISABLE_TRACING=1 is set
# by the C++ side before Python starts as well.
set_tracing_disabled(True)

_RUNNERS: dict[str, Callable[[Scenario], Runner]] = {
    "single": SingleRunner,
    "pipeline": PipelineRunner,
    "hierarchy": HierarchyRunner,
    "group_chat": GroupChatRunner,
    "consensus": ConsensusRunner,
    "fan_out": FanOutRunner,
    "iterative": IterativeRunner,
    "human": HumanRunner,
    "concurrent": ConcurrentRunner,
}


def version() -> str:
    """The framework version the results are reported under."""
    return f"openai-agents {_package_version('openai-agents')}"


def support(spec: dict[str, Any]) -> str | None:
    """None when the scenario can run, else why not."""
    return unsupported(spec, _RUNNERS, "the OpenAI Agents SDK")


def build(spec: dict[str, Any], model: Any, tools: Any, memory: Any) -> Runner:
    """Construct the scenario's agents once; the runner's run() only runs them."""
    reason = support(spec)
    if reason is not None:
        raise ValueError(f"unsupported: {reason}")
    # The transport is the harness's choice: the simulated model in-process, or an endpoint.
    served = endpoint(spec)
    client = None
    agent_model: Any
    if served is None:
        agent_model = LegionModel(model)
    else:
        client = http_client(served)
        agent_model = http_model(served, client)
    run_config = RunConfig(
        model=agent_model,
        model_provider=LegionModelProvider(agent_model),
        tracing_disabled=True,
    )
    memory_tool = None
    if memory is not None:
        memory_tool = search_memory_tool(memory, int(spec.get("memory_top_k", 3)))
    scenario = Scenario(spec, run_config, catalogue_tools(tools), memory_tool, client)
    if spec.get("execute_code"):
        return CodeExecutionRunner(scenario)
    return _RUNNERS[spec["pattern"]](scenario)
