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

from legion_common import MEMORY_TOP_K, SEARCH_MEMORY_SPEC, format_documents


class SearchMemoryArguments(BaseModel):
    query: str = Field(description="what to look for")


class SearchMemoryTool(BaseTool):
    """BM25 top-k over `legion_bridge.memory`, best first."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    name: str = "search_memory"
    description: str = SEARCH_MEMORY_SPEC["description"]
    args_schema: type[BaseModel] = SearchMemoryArguments
    memory: Any = None
    k: int = MEMORY_TOP_K

    def _run(self, query: str) -> str:
        return format_documents(self.memory.search(query, self.k))
