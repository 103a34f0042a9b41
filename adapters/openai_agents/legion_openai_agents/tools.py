"""Tools the scenarios offer, as the SDK's `FunctionTool`s with LEGION's schemas.

`schema_tool` is a `FunctionTool` whose JSON schema is given (`strict_json_schema=False`:
offered as LEGION offers it) and whose body gets the raw JSON arguments: a pydantic model
derived from a signature would turn the integer 5 of a `number` into 5.0 and the C++ tool's
"5" into "5.0". The catalogue tools (`add`, `multiply`) are the C++ tools themselves, so their
result text is byte-identical. A tool's exception propagates (no `failure_error_function`):
a broken tool fails the run rather than becoming text the model answers from.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from agents import FunctionTool, RunContextWrapper

import legion_common
from legion_common import SEARCH_MEMORY_SPEC

ToolBody = Callable[[Mapping[str, Any]], Awaitable[str]]


def schema_tool(spec: Mapping[str, Any], body: ToolBody) -> FunctionTool:
    """A function tool with the given schema and an async body over the raw arguments."""

    async def invoke(context: RunContextWrapper[Any], arguments: str) -> str:
        return await body(json.loads(arguments or "{}"))

    return FunctionTool(
        name=spec["name"],
        description=spec.get("description", ""),
        params_json_schema=spec["parameters"],
        on_invoke_tool=invoke,
        strict_json_schema=False,
    )


def catalogue_tools(bridge_tools: Any) -> dict[str, FunctionTool]:
    """Every catalogue tool the scenario lists, by name; the body is the C++ tool."""

    def tool(spec: dict[str, Any]) -> FunctionTool:
        name = spec["name"]

        async def call(arguments: Mapping[str, Any]) -> str:
            return bridge_tools.call(name, dict(arguments))

        return schema_tool(spec, call)

    return {spec["name"]: tool(spec) for spec in bridge_tools.specs()}


def search_memory_tool(memory: Any, k: int) -> FunctionTool:
    """The scenario's BM25 corpus as the agent's `search_memory` tool (LEGION's text)."""

    async def search(arguments: Mapping[str, Any]) -> str:
        return legion_common.format_documents(memory.search(arguments["query"], k))

    return schema_tool(SEARCH_MEMORY_SPEC, search)
