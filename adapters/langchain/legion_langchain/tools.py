"""The scenario's catalogue tools (add, multiply) as LangChain tools.

Each is a `StructuredTool` whose schema is the C++ catalogue's own (`tools.specs()`), so the
model is offered the same tools as under LEGION, and whose body is the C++ tool itself, so
the tool result text is byte-identical. An async body too: under `ainvoke` a sync-only tool
would be pushed to a thread pool per call.
"""

from __future__ import annotations

from typing import Any

from langchain_core.tools import BaseTool, StructuredTool


def catalogue_tool(bridge_tools: Any, spec: dict[str, Any]) -> BaseTool:
    """One catalogue tool: `spec` is {"name", "description", "parameters"}."""
    name = spec["name"]

    def call(**arguments: Any) -> str:
        return bridge_tools.call(name, arguments)

    async def acall(**arguments: Any) -> str:
        return bridge_tools.call(name, arguments)

    return StructuredTool.from_function(
        func=call,
        coroutine=acall,
        name=name,
        description=spec["description"],
        args_schema=spec["parameters"],
    )


def catalogue_tools(bridge_tools: Any) -> dict[str, BaseTool]:
    """Every catalogue tool the scenario lists, by name."""
    return {spec["name"]: catalogue_tool(bridge_tools, spec) for spec in bridge_tools.specs()}
