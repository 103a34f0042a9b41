"""Retrieval: an AutoGen `Memory` over the scenario's BM25 document store, and the
`search_memory` tool the agent calls it through.

The scenario defines retrieval as a tool call: the model asks `search_memory` with a query
and answers from the "[id] text" lines it gets back (LEGION's wording, "no documents found"
when nothing matches). So the memory is not attached with `AssistantAgent(memory=[...])`,
which would inject the query results into the context before every model call without a
tool call; the agent reaches it through a tool, the way AutoGen's RAG examples expose a
store to a tool-calling agent. `update_context` is implemented too, for that other use.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from autogen_core import CancellationToken
from autogen_core.memory import (
    Memory,
    MemoryContent,
    MemoryMimeType,
    MemoryQueryResult,
    UpdateContextResult,
)
from autogen_core.model_context import ChatCompletionContext
from autogen_core.models import SystemMessage, UserMessage

import legion_common
from legion_common import SEARCH_MEMORY_SPEC

from .tools import SchemaTool


class BM25Memory(Memory):
    """BM25 top-k documents from `legion_bridge.memory`, best first; metadata["id"] is the id.

    Read-only: the corpus is the scenario's, built in C++ once per prepare.
    """

    def __init__(self, memory: Any, k: int = legion_common.MEMORY_TOP_K) -> None:
        self._memory = memory
        self._k = k

    async def query(
        self,
        query: str | MemoryContent,
        cancellation_token: CancellationToken | None = None,
        **kwargs: Any,
    ) -> MemoryQueryResult:
        text = query if isinstance(query, str) else str(query.content)
        return MemoryQueryResult(
            results=[
                MemoryContent(content=doc, mime_type=MemoryMimeType.TEXT, metadata={"id": doc_id})
                for doc_id, doc in self._memory.search(text, self._k)
            ]
        )

    async def update_context(self, model_context: ChatCompletionContext) -> UpdateContextResult:
        """Adds the documents relevant to the last user message, as a system message."""
        messages = await model_context.get_messages()
        last = next((m for m in reversed(messages) if isinstance(m, UserMessage)), None)
        if last is None or not isinstance(last.content, str):
            return UpdateContextResult(memories=MemoryQueryResult(results=[]))
        found = await self.query(last.content)
        if found.results:
            await model_context.add_message(SystemMessage(content=format_documents(found)))
        return UpdateContextResult(memories=found)

    async def add(
        self, content: MemoryContent, cancellation_token: CancellationToken | None = None
    ) -> None:
        raise NotImplementedError("BM25Memory is the scenario's read-only corpus")

    async def clear(self) -> None:
        raise NotImplementedError("BM25Memory is the scenario's read-only corpus")

    async def close(self) -> None:
        pass


def format_documents(found: MemoryQueryResult) -> str:
    """LEGION's search_memory text."""
    return legion_common.format_documents(
        ((doc.metadata or {})["id"], str(doc.content)) for doc in found.results
    )


def search_memory_tool(memory: Memory) -> SchemaTool:
    """The memory as the agent's `search_memory` tool."""

    async def search_memory(arguments: Mapping[str, Any]) -> str:
        return format_documents(await memory.query(arguments["query"]))

    return SchemaTool(SEARCH_MEMORY_SPEC, search_memory)
