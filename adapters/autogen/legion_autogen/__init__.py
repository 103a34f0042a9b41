"""LEGION Bench scenarios written the AutoGen (agentchat 0.7) way.

The C++ harness imports this package inside its embedded interpreter (where the
`legion_bridge` module exists) and calls `support`, `build`, then `run` on the runner any
number of times. One module per concept: the model client, tools, retrieval memory, message
conversion, and one module per pattern.
"""

from __future__ import annotations

import warnings
from typing import Any

from legion_common import Runner, RunnerTable, endpoint, memory_top_k

from .conversation import ConversationRunner
from .group_chat import GroupChatRunner
from .http_client import http_model_client
from .memory import BM25Memory, search_memory_tool
from .model_client import LegionChatCompletionClient
from .scenario import Scenario
from .tools import catalogue_tools

__all__ = [
    "FRAMEWORK_MODULES",
    "BM25Memory",
    "LegionChatCompletionClient",
    "build",
    "support",
    "version",
]

FRAMEWORK_MODULES = ["autogen_core", "autogen_agentchat", "autogen_ext"]

# CodeExecutorAgent warns at construction when no approval function is set: the benchmark's
# code is the scripted model's, run in a scratch directory, so that is the intended setup.
# Likewise LocalCommandLineCodeExecutor recommends Docker: the scenario is about local runs.
warnings.filterwarnings("ignore", message="No approval function set for CodeExecutorAgent")
warnings.filterwarnings("ignore", message="Using LocalCommandLineCodeExecutor may execute code")


def group_chat(scenario: Scenario) -> Runner:
    """A team's chat (`RoundRobinGroupChat`), or, where the participants keep the conversation
    (the spec's `conversation_memory`), two agents each keeping it in its model context."""
    if scenario.conversation_memory:
        return ConversationRunner(scenario)
    return GroupChatRunner(scenario)


RUNNERS = RunnerTable[Scenario](
    __name__,
    framework="AutoGen",
    distributions=("autogen-agentchat", "autogen-core", "autogen-ext"),
    overrides={"group_chat": group_chat},
)
version = RUNNERS.version
support = RUNNERS.support


def build(spec: dict[str, Any], model: Any, tools: Any, memory: Any) -> Runner:
    """Construct the scenario's agents and teams once; the runner's run() only runs them."""

    def scenario() -> Scenario:
        memory_tool = None
        if memory is not None:
            memory_tool = search_memory_tool(BM25Memory(memory, k=memory_top_k(spec)))
        # The transport is the harness's choice: the simulated model in-process, or an endpoint.
        served = endpoint(spec)
        client = LegionChatCompletionClient(model) if served is None else http_model_client(served)
        return Scenario(spec, catalogue_tools(tools), memory_tool, client)

    return RUNNERS.build(spec, scenario)
