"""The AutoGen model client over LEGION's simulated model (the `legion_bridge` module).

Every agent of every pattern talks to a `LegionChatCompletionClient`, exactly as an AutoGen
user plugs in a provider client: `LLMMessage`s in, a `CreateResult` (text or
`FunctionCall`s) out. AutoGen is asyncio-native, so `create` takes the deferred reply and
awaits the simulated latency on the event loop, the way a real network call overlaps.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, Mapping, Sequence
from typing import Any, Literal

from autogen_core import CancellationToken
from autogen_core.models import (
    ChatCompletionClient,
    CreateResult,
    LLMMessage,
    ModelCapabilities,
    ModelFamily,
    ModelInfo,
    RequestUsage,
)
from autogen_core.tools import Tool, ToolSchema
from pydantic import BaseModel

import legion_bridge

from .messages import from_reply, to_bridge, to_request

MODEL_INFO = ModelInfo(
    vision=False,
    function_calling=True,
    json_output=False,
    family=ModelFamily.UNKNOWN,
    structured_output=False,
    multiple_system_messages=True,
)


def tool_schema(tool: Tool | ToolSchema) -> dict[str, Any]:
    """A tool as the bridge's {"name", "description", "parameters"}."""
    schema = tool.schema if isinstance(tool, Tool) else tool
    return {
        "name": schema["name"],
        "description": schema.get("description", ""),
        "parameters": schema.get("parameters", {"type": "object", "properties": {}}),
    }


class LegionChatCompletionClient(ChatCompletionClient):
    """`ChatCompletionClient` whose completions come from the C++ simulated model."""

    def __init__(self, model: Any) -> None:
        self._model = model  # legion_bridge.model
        self._total = RequestUsage(prompt_tokens=0, completion_tokens=0)
        self._last = RequestUsage(prompt_tokens=0, completion_tokens=0)

    async def create(
        self,
        messages: Sequence[LLMMessage],
        *,
        tools: Sequence[Tool | ToolSchema] = [],
        tool_choice: Tool | Literal["auto", "required", "none"] = "auto",
        json_output: bool | type[BaseModel] | None = None,
        extra_create_args: Mapping[str, Any] = {},
        cancellation_token: CancellationToken | None = None,
    ) -> CreateResult:
        offered = [tool_schema(tool) for tool in tools] if tool_choice != "none" else []
        reply = self._model.complete_deferred(to_request(messages), offered or None)
        if reply["wait_s"] > 0:
            await asyncio.sleep(reply["wait_s"])
        result = from_reply(reply)
        self._last = result.usage
        self._total = RequestUsage(
            prompt_tokens=self._total.prompt_tokens + result.usage.prompt_tokens,
            completion_tokens=self._total.completion_tokens + result.usage.completion_tokens,
        )
        return result

    async def create_stream(
        self,
        messages: Sequence[LLMMessage],
        *,
        tools: Sequence[Tool | ToolSchema] = [],
        tool_choice: Tool | Literal["auto", "required", "none"] = "auto",
        json_output: bool | type[BaseModel] | None = None,
        extra_create_args: Mapping[str, Any] = {},
        cancellation_token: CancellationToken | None = None,
    ) -> AsyncGenerator[str | CreateResult, None]:
        """The simulated model does not stream: the whole reply as one final result."""
        yield await self.create(
            messages,
            tools=tools,
            tool_choice=tool_choice,
            json_output=json_output,
            extra_create_args=extra_create_args,
            cancellation_token=cancellation_token,
        )

    async def close(self) -> None:
        pass

    def actual_usage(self) -> RequestUsage:
        return self._last

    def total_usage(self) -> RequestUsage:
        return self._total

    def count_tokens(
        self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = []
    ) -> int:
        """Prompt tokens as the simulated model counts them (never tiktoken: it downloads)."""
        count = legion_bridge.count_tokens
        total = 0
        for message in messages:
            for sent in to_bridge(message):
                total += 4 + count(sent["content"])
                for call in sent.get("tool_calls", ()):
                    total += count(call["name"]) + count(_compact(call["arguments"]))
        for tool in tools:
            schema = tool_schema(tool)
            total += count(schema["name"] + schema["description"] + _compact(schema["parameters"]))
        return total

    def remaining_tokens(
        self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = []
    ) -> int:
        return max(0, CONTEXT_WINDOW - self.count_tokens(messages, tools=tools))

    @property
    def capabilities(self) -> ModelCapabilities:  # deprecated in AutoGen, still abstract
        return ModelCapabilities(vision=False, function_calling=True, json_output=False)

    @property
    def model_info(self) -> ModelInfo:
        return MODEL_INFO


CONTEXT_WINDOW = 1_000_000  # the simulated model has no limit; a large nominal window


def _compact(value: Any) -> str:
    """nlohmann's compact dump(): sorted keys, no spaces, UTF-8 kept."""
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
