"""LEGION Bench scenarios written the OpenAI Agents SDK (openai-agents 0.24) way.

The C++ harness imports this package inside its embedded interpreter (where the
`legion_bridge` module exists) and calls `support`, `build`, then `run` on the runner any
number of times. Every agent is an `Agent` run by `Runner.run` on `LegionModel` (the SDK's
`Model` interface over LEGION's simulated model); tracing is off and no OpenAI client is made,
so nothing leaves the machine. Over HTTP (the spec's `endpoint`, legion-bench
--transport=http) the agents run on the SDK's `OpenAIChatCompletionsModel` with an
`AsyncOpenAI` client pointed at the endpoint instead (http_model.py). One module per concept:
the model, item conversion, tools, and one module per pattern.
"""

from __future__ import annotations

from typing import Any

from agents import RunConfig, set_tracing_disabled

from legion_common import Runner, RunnerTable, endpoint, memory_top_k

from .http_model import http_client, http_model, http_model_settings
from .model import LegionModel, LegionModelProvider
from .scenario import Scenario
from .tools import catalogue_tools, search_memory_tool

__all__ = ["LegionModel", "LegionModelProvider", "build", "support", "version"]

# Spans would be exported to OpenAI's tracing endpoint; OPENAI_AGENTS_DISABLE_TRACING=1 is set
# by the C++ side before Python starts as well.
set_tracing_disabled(True)

RUNNERS = RunnerTable[Scenario](
    __name__,
    framework="the OpenAI Agents SDK",
    distributions=("openai-agents",),
)
version = RUNNERS.version
support = RUNNERS.support


def build(spec: dict[str, Any], model: Any, tools: Any, memory: Any) -> Runner:
    """Construct the scenario's agents once; the runner's run() only runs them."""

    def scenario() -> Scenario:
        # The transport is the harness's choice: the simulated model in-process, or an endpoint.
        served = endpoint(spec)
        client = None
        agent_model: Any
        settings = None
        if served is None:
            agent_model = LegionModel(model)
        else:
            client = http_client(served)
            agent_model = http_model(served, client)
            settings = http_model_settings(served)
        run_config = RunConfig(
            model=agent_model,
            model_provider=LegionModelProvider(agent_model),
            model_settings=settings,
            tracing_disabled=True,
        )
        memory_tool = None if memory is None else search_memory_tool(memory, memory_top_k(spec))
        return Scenario(spec, catalogue_tools(tools), memory_tool, run_config, client)

    return RUNNERS.build(spec, scenario)
