"""Retrieval: a `BaseRetriever` over the scenario's BM25 memory and the `search_memory` tool.

The scenario defines retrieval as BM25 top-k over the C++ document store, so the retriever
wraps `memory.search`. The tool is the LangChain equivalent of `create_retriever_tool`,
written out because its text must be LEGION's: "[id] text" lines, or "no documents found",
with LEGION's argument schema.
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.tools import BaseTool, StructuredTool
from pydantic import ConfigDict

from legion_common import MEMORY_TOP_K, SEARCH_MEMORY_SPEC, format_documents


class LegionRetriever(BaseRetriever):
    """BM25 top-k documents from `legion_bridge.memory`, best first; metadata["id"] is the id."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    memory: Any
    k: int = MEMORY_TOP_K

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        return [
            Document(page_content=text, metadata={"id": doc_id})
            for doc_id, text in self.memory.search(query, self.k)
        ]


def _text(documents: list[Document]) -> str:
    """LEGION's search_memory text."""
    return format_documents((doc.metadata["id"], doc.page_content) for doc in documents)


def search_memory_tool(retriever: BaseRetriever) -> BaseTool:
    """The retriever as the agent's `search_memory` tool."""

    def search_memory(query: str) -> str:
        return _text(retriever.invoke(query))

    async def asearch_memory(query: str) -> str:
        return _text(await retriever.ainvoke(query))

    return StructuredTool.from_function(
        func=search_memory,
        coroutine=asearch_memory,
        name=SEARCH_MEMORY_SPEC["name"],
        description=SEARCH_MEMORY_SPEC["description"],
        args_schema=SEARCH_MEMORY_SPEC["parameters"],
    )
