"""LEGION Bench scenarios written the Microsoft Agent Framework (agent-framework-core) way.

The C++ harness imports this package inside its embedded interpreter (where the
`legion_bridge` module exists) and calls `support`, `build`, then `run` on the runner any
number of times. One module per concept: the chat client, message conversion, tools, agents,
and one module per pattern; the multi-agent patterns are workflows (`WorkflowBuilder`).

Over HTTP (legion-bench --transport=http) every scenario is unsupported: the framework's
OpenAI clients (`OpenAIChatClient`, `OpenAIChatCompletionClient`) are not in
agent-framework-core but in the separate agent-framework-openai package, which is not
installed (requirements.txt pins the core only); `agent_framework.openai` only re-exports them
from there. Pointing our `LegionChatClient` at the server instead would measure our client,
not the framework's.
"""

from __future__ import annotations

import importlib.util
from importlib.metadata import version as _package_version
from typing import Any

from legion_common import Runner, RunnerTable, max_steps, memory_top_k

from .chat_client import LegionChatClient
from .scenario import Scenario
from .tools import catalogue_tools, search_memory_tool

__all__ = ["FRAMEWORK_MODULES", "LegionChatClient", "build", "http_support", "support", "version"]

FRAMEWORK_MODULES = ["agent_framework"]


def http_support() -> str | None:
    """None when the framework reaches an OpenAI-compatible server through its own client."""
    if importlib.util.find_spec("agent_framework_openai") is None:  # the package with the clients
        return (
            "over HTTP: agent-framework-core "
            f"{_package_version('agent-framework-core')} has no OpenAI client of its own "
            "(OpenAIChatCompletionClient is in the separate agent-framework-openai package, "
            "not installed)"
        )
    return (
        "over HTTP: agent-framework-openai is installed but this adapter does not build its "
        "client yet"
    )


RUNNERS = RunnerTable[Scenario](
    __name__,
    framework="Microsoft Agent Framework",
    distributions=("agent-framework-core",),
    http_support=http_support,
)
version = RUNNERS.version
support = RUNNERS.support


def build(spec: dict[str, Any], model: Any, tools: Any, memory: Any) -> Runner:
    """Construct the scenario's agents and workflows once; the runner's run() only runs them."""

    def scenario() -> Scenario:
        memory_tool = None if memory is None else search_memory_tool(memory, memory_top_k(spec))
        client = LegionChatClient(model, max_steps(spec))
        return Scenario(spec, catalogue_tools(tools), memory_tool, client)

    return RUNNERS.build(spec, scenario)
