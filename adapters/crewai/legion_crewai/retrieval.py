"""Retrieval (large_context_retrieval): the agent's `search_memory` tool, a CrewAI `BaseTool`
over the runtime's BM25 document store.

The scenario defines retrieval as a tool call: the agent searches memory (BM25 top-k), then
answers from the retrieved text; the text must be LEGION's ("[id] text" lines, or "no
documents found"). Why not CrewAI's knowledge sources: see docs/python-bridge.md (knowledge
is searched before the agent's first turn, from a rewritten query, and with the bridge's hashed
embedder dense search misses the fact, so it could not pass validation).
"""

from __future__ import annotations

from typing import Any

from crewai.tools import BaseTool
from pydantic import BaseModel, ConfigDict, Field


class SearchMemoryArguments(BaseModel):
    query: str = Field(description="what to look for")


def format_documents(documents: list[tuple[int, str]]) -> str:
    """LEGION's search_memory text."""
    if not documents:
        return "no documents found"
    return "\n".join(f"[{doc_id}] {text}" for doc_id, text in documents)


class SearchMemoryTool(BaseTool):
    """BM25 top-k over `legion_bridge.memory`, best first."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    name: str = "search_memory"
    description: str = "Search the agent's memory and return the most relevant documents."
    args_schema: type[BaseModel] = SearchMemoryArguments
    memory: Any = None
    k: int = 3

    def _run(self, query: str) -> str:
        return format_documents(self.memory.search(query, self.k))
