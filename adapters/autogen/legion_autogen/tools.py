"""Tools the scenarios offer, as AutoGen `BaseTool`s with LEGION's schemas.

`SchemaTool` is an AutoGen tool whose JSON schema is given rather than derived from a Python
signature: the model is offered exactly the tools it is offered under LEGION, and the raw
JSON arguments reach the body unchanged (a pydantic model would turn the integer 5 of a
`number` property into 5.0, and the C++ tool's "5" into "5.0"). The catalogue tools
(`add`, `multiply`) are the C++ tools themselves, so their result text is byte-identical.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from autogen_core import CancellationToken
from autogen_core.tools import BaseTool, ToolSchema
from pydantic import BaseModel, ConfigDict

ToolBody = Callable[[Mapping[str, Any]], Awaitable[str]]


class RawArguments(BaseModel):
    """The arguments as the model sent them (the schema below is what is offered)."""

    model_config = ConfigDict(extra="allow")


class ToolOutput(BaseModel):
    text: str


class SchemaTool(BaseTool[RawArguments, ToolOutput]):
    """An AutoGen tool with a given schema and an async body over the raw arguments."""

    def __init__(self, spec: dict[str, Any], body: ToolBody) -> None:
        super().__init__(RawArguments, ToolOutput, spec["name"], spec.get("description", ""))
        self._parameters = spec["parameters"]
        self._body = body

    @property
    def schema(self) -> ToolSchema:
        return ToolSchema(name=self.name, description=self.description, parameters=self._parameters)

    async def run(self, args: RawArguments, cancellation_token: CancellationToken) -> ToolOutput:
        return ToolOutput(text=await self._body(args.model_dump()))

    async def run_json(
        self,
        args: Mapping[str, Any],
        cancellation_token: CancellationToken,
        call_id: str | None = None,
    ) -> Any:
        return await self._body(args)

    def return_value_as_string(self, value: Any) -> str:
        return value.text if isinstance(value, ToolOutput) else str(value)


def catalogue_tools(bridge_tools: Any) -> dict[str, BaseTool[Any, Any]]:
    """Every catalogue tool the scenario lists, by name; the body is the C++ tool."""

    def tool(spec: dict[str, Any]) -> SchemaTool:
        name = spec["name"]

        async def call(arguments: Mapping[str, Any]) -> str:
            return bridge_tools.call(name, dict(arguments))

        return SchemaTool(spec, call)

    return {spec["name"]: tool(spec) for spec in bridge_tools.specs()}
