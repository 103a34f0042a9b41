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

from collections.abc import Callable
from importlib.metadata import version as _package_version
from typing import Any

from legion_common import endpoint, unsupported

from .chat_client import LegionChatClient
from .code_execution import CodeExecutionRunner
from .concurrent import ConcurrentRunner
from .consensus import ConsensusRunner
from .fan_out import FanOutRunner
from .group_chat import GroupChatRunner
from .hierarchy import HierarchyRunner
from .human import HumanRunner
from .iterative import IterativeRunner
from .pipeline import PipelineRunner
from .scenario import Runner, Scenario
from .single import SingleRunner
from .tools import catalogue_tools, search_memory_tool

__all__ = ["FRAMEWORK_MODULES", "LegionChatClient", "build", "http_support", "support", "version"]

FRAMEWORK_MODULES = ["agent_framework"]

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
    return f"agent-framework-core {_package_version('agent-framework-core')}"


def support(spec: dict[str, Any]) -> str | None:
    """None when the scenario can run, else why not."""
    return unsupported(spec, _RUNNERS, "Microsoft Agent Framework")


def http_support() -> str | None:
    """None when the framework reaches an OpenAI-compatible server through its own client."""
    try:
        import agent_framework_openai  # noqa: F401  (the package that holds the clients)
    except ModuleNotFoundError:
        return (
            "over HTTP: agent-framework-core "
            f"{_package_version('agent-framework-core')} has no OpenAI client of its own "
            "(OpenAIChatCompletionClient is in the separate agent-framework-openai package, "
            "not installed)"
        )
    return "over HTTP: agent-framework-openai is installed but this adapter does not build its client yet"


def build(spec: dict[str, Any], model: Any, tools: Any, memory: Any) -> Runner:
    """Construct the scenario's agents and workflows once; the runner's run() only runs them."""
    if endpoint(spec) is not None:
        raise ValueError(f"unsupported: {http_support()}")
    reason = support(spec)
    if reason is not None:
        raise ValueError(f"unsupported: {reason}")
    memory_tool = None
    if memory is not None:
        memory_tool = search_memory_tool(memory, int(spec.get("memory_top_k", 3)))
    # LEGION's agent step limit: the scenario's minimum and a margin.
    max_steps = max(10, int(spec.get("min_model_calls", 0)) + 16)
    scenario = Scenario(spec, LegionChatClient(model, max_steps), catalogue_tools(tools), memory_tool)
    if spec.get("execute_code"):
        return CodeExecutionRunner(scenario)
    return _RUNNERS[spec["pattern"]](scenario)
