"""LEGION Bench scenarios written the AutoGen (agentchat 0.7) way.

The C++ harness imports this package inside its embedded interpreter (where the
`legion_bridge` module exists) and calls `support`, `build`, then `run` on the runner any
number of times. One module per concept: the model client, tools, retrieval memory, message
conversion, and one module per pattern.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from importlib.metadata import version as _package_version
from typing import Any

from legion_common import endpoint, unsupported

from .code_execution import CodeExecutionRunner
from .concurrent import ConcurrentRunner
from .consensus import ConsensusRunner
from .conversation import CONVERSATION_SCENARIOS, ConversationRunner
from .fan_out import FanOutRunner
from .group_chat import GroupChatRunner
from .hierarchy import HierarchyRunner
from .human import HumanRunner
from .iterative import IterativeRunner
from .memory import BM25Memory, search_memory_tool
from .http_client import http_model_client
from .model_client import LegionChatCompletionClient
from .pipeline import PipelineRunner
from .scenario import Runner, Scenario
from .single import SingleRunner
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
    """The framework versions the results are reported under."""
    return ", ".join(
        f"{name} {_package_version(name)}"
        for name in ("autogen-agentchat", "autogen-core", "autogen-ext")
    )


def support(spec: dict[str, Any]) -> str | None:
    """None when the scenario can run, else why not."""
    return unsupported(spec, _RUNNERS, "AutoGen")


def build(spec: dict[str, Any], model: Any, tools: Any, memory: Any) -> Runner:
    """Construct the scenario's agents and teams once; the runner's run() only runs them."""
    reason = support(spec)
    if reason is not None:
        raise ValueError(f"unsupported: {reason}")
    memory_tool = None
    if memory is not None:
        memory_tool = search_memory_tool(BM25Memory(memory, k=int(spec.get("memory_top_k", 3))))
    # The transport is the harness's choice: the simulated model in-process, or an endpoint.
    served = endpoint(spec)
    client = LegionChatCompletionClient(model) if served is None else http_model_client(served)
    scenario = Scenario(spec, client, catalogue_tools(tools), memory_tool)
    if spec.get("execute_code"):
        return CodeExecutionRunner(scenario)
    if spec["pattern"] == "group_chat" and spec["scenario"] in CONVERSATION_SCENARIOS:
        return ConversationRunner(scenario)
    return _RUNNERS[spec["pattern"]](scenario)
