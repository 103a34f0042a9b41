"""LEGION Bench scenarios written the LangChain / LangGraph way.

The C++ harness imports this package inside its embedded interpreter (where the
`legion_bridge` module exists) and calls `support`, `build`, then `run` on the runner any
number of times. One module per concept: the chat model, tools, retrieval, embeddings,
message conversion, and one module per pattern.
"""

from __future__ import annotations

from typing import Any

from legion_common import Runner, RunnerTable, endpoint, memory_top_k

from .chat_model import LegionChatModel
from .embeddings import LegionEmbeddings
from .http_model import http_chat_model
from .retrieval import LegionRetriever, search_memory_tool
from .scenario import Scenario
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

RUNNERS = RunnerTable[Scenario](
    __name__,
    framework="LangChain",
    distributions=("langchain", "langchain-core", "langgraph"),
)
version = RUNNERS.version
support = RUNNERS.support


def build(spec: dict[str, Any], model: Any, tools: Any, memory: Any) -> Runner:
    """Construct the scenario's agents and graphs once; the runner's run() only invokes them."""

    def scenario() -> Scenario:
        memory_tool = None
        if memory is not None:
            memory_tool = search_memory_tool(LegionRetriever(memory=memory, k=memory_top_k(spec)))
        # The transport is the harness's choice: the simulated model in-process, or an endpoint.
        served = endpoint(spec)
        chat_model = LegionChatModel(client=model) if served is None else http_chat_model(served)
        return Scenario(spec, catalogue_tools(tools), memory_tool, chat_model)

    return RUNNERS.build(spec, scenario)
