"""Tools the scenarios offer, as Agent Framework `FunctionTool`s with LEGION's schemas.

The schema is given as a JSON-schema mapping (`input_model=`), so the model is offered exactly
the tools it is offered under LEGION, and the arguments reach the body as the model sent them
(a pydantic model would make the integer 5 of a `number` 5.0, and the C++ tool's "5" "5.0").
The catalogue tools (`add`, `multiply`) are the C++ tools themselves; their text result is
passed through unparsed, so it is byte-identical.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from agent_framework import FunctionTool

ToolBody = Callable[..., Awaitable[str]]


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def schema_tool(spec: dict[str, Any], body: ToolBody) -> FunctionTool:
    """A function tool with LEGION's schema whose body takes the arguments as keywords."""
    return FunctionTool(
        name=spec["name"],
        description=spec.get("description", ""),
        func=body,
        input_model=spec["parameters"],
        result_parser=_as_text,
    )


def catalogue_tools(bridge_tools: Any) -> dict[str, FunctionTool]:
    """Every catalogue tool the scenario lists, by name; the body is the C++ tool."""

    def tool(spec: dict[str, Any]) -> FunctionTool:
        name = spec["name"]

        async def call(**arguments: Any) -> str:
            return bridge_tools.call(name, arguments)

        return schema_tool(spec, call)

    return {spec["name"]: tool(spec) for spec in bridge_tools.specs()}


def search_memory_tool(memory: Any, k: int) -> FunctionTool:
    """The scenario's BM25 corpus as the agent's `search_memory` tool (LEGION's text)."""
    from legion_common import SEARCH_MEMORY_SPEC, format_documents

    async def search_memory(query: str) -> str:
        return format_documents(memory.search(query, k))

    return schema_tool(SEARCH_MEMORY_SPEC, search_memory)
