"""The scenario's catalogue tools (add, multiply) as CrewAI `BaseTool`s.

CrewAI tools take a pydantic `args_schema`; it is built from the C++ catalogue's own JSON
schema (`tools.specs()`), and the body is the C++ tool itself, so the tool result text is
byte-identical to LEGION's.
"""

from __future__ import annotations

from typing import Any

from crewai.tools import BaseTool
from pydantic import BaseModel, ConfigDict, create_model

_JSON_TYPES: dict[str, type] = {
    "integer": int,
    "number": float,
    "string": str,
    "boolean": bool,
    "object": dict,
    "array": list,
}


def _python_type(spec: dict[str, Any]) -> Any:
    """The Python type of a property: its JSON type, or for an optional one (pydantic's
    `anyOf: [T, null]`, as AgentDojo's tools declare them) T's; Any when it is ambiguous."""
    if "anyOf" in spec:
        kinds = [s for s in spec["anyOf"] if s.get("type") != "null"]
        return _python_type(kinds[0]) if len(kinds) == 1 else Any
    return _JSON_TYPES.get(spec.get("type", "string"), Any)


def args_model(name: str, schema: dict[str, Any]) -> type[BaseModel]:
    """A pydantic model for a JSON object schema: one field per property, typed by
    `_python_type` (nested objects and arrays stay dicts and lists)."""
    required = set(schema.get("required", []))
    fields: dict[str, Any] = {}
    for prop, spec in schema.get("properties", {}).items():
        kind = _python_type(spec)
        if prop in required:
            fields[prop] = (kind, ...)
        else:
            # CrewAI hands the tool every field, so an omitted one arrives as this default:
            # the schema's own (AgentDojo's `description: str = ""`), not None.
            fields[prop] = (kind | None, spec.get("default"))
    return create_model(f"{name.title()}Arguments", **fields)


class CatalogueTool(BaseTool):
    """One tool of the harness catalogue, executed in C++."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    bridge_tools: Any = None

    def _run(self, **arguments: Any) -> str:
        return self.bridge_tools.call(self.name, arguments)


def catalogue_tool(bridge_tools: Any, spec: dict[str, Any]) -> BaseTool:
    return CatalogueTool(
        name=spec["name"],
        description=spec["description"],
        args_schema=args_model(spec["name"], spec["parameters"]),
        bridge_tools=bridge_tools,
    )


def catalogue_tools(bridge_tools: Any) -> dict[str, BaseTool]:
    """Every catalogue tool the scenario lists, by name."""
    return {spec["name"]: catalogue_tool(bridge_tools, spec) for spec in bridge_tools.specs()}
