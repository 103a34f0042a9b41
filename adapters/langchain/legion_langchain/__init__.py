"""LEGION Bench scenarios written the LangChain / LangGraph way.

The C++ harness imports this package inside its embedded interpreter (where the
`legion_bridge` module exists) and calls `support`, `build`, then `run` on the runner any
number of times. One module per concept: the chat model, tools, retrieval, embeddings,
message conversion, and one module per pattern.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import version as _package_version
from typing import Any

from legion_common import endpoint, unsupported

from .chat_model import LegionChatModel
from .code_execution import CodeExecutionRunner
from .concurrent import ConcurrentRunner
from .consensus import ConsensusRunner
from .embeddings import LegionEmbeddings
from .fan_out import FanOutRunner
from .http_model import http_chat_model
from .group_chat import GroupChatRunner
from .hierarchy import HierarchyRunner
from .human import HumanRunner
from .iterative import IterativeRunner
from .pipeline import PipelineRunner
from .retrieval import LegionRetriever, search_memory_tool
from .scenario import Runner, Scenario
from .single import SingleRunner
from .tools import catalogue_tools

__all__ = [
    "FRAMEWORK_MODULES",
    "LegionChatModel",
    "LegionEmbeddings",
    "LegionRetriever",
    "build",
    "support",
    "version",
]

FRAMEWORK_MODULES = ["langchain", "langchain_core", "langgraph"]

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
        f"{name} {_package_version(name)}" for name in ("langchain", "langchain-core", "langgraph")
    )


def support(spec: dict[str, Any]) -> str | None:
    """None when the scenario can run, else why not."""
    return unsupported(spec, _RUNNERS, "LangChain")


def build(spec: dict[str, Any], model: Any, tools: Any, memory: Any) -> Runner:
    """Construct the scenario's agents and graphs once; the runner's run() only invokes them."""
    reason = support(spec)
    if reason is not None:
        raise ValueError(f"unsupported: {reason}")
    memory_tool = None
    if memory is not None:
        memory_tool = search_memory_tool(
            LegionRetriever(memory=memory, k=int(spec.get("memory_top_k", 3)))
        )
    # The transport is the harness's choice: the simulated model in-process, or an endpoint.
    served = endpoint(spec)
    chat_model = LegionChatModel(client=model) if served is None else http_chat_model(served)
    scenario = Scenario(spec, chat_model, catalogue_tools(tools), memory_tool)
    if spec.get("execute_code"):
        return CodeExecutionRunner(scenario)
    return _RUNNERS[spec["pattern"]](scenario)
