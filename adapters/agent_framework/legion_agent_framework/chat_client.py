"""The Agent Framework chat client over LEGION's simulated model (the `legion_bridge` module).

Every agent of every pattern talks to a `LegionChatClient`, the way an Agent Framework user
plugs in a provider: a `BaseChatClient` whose `_inner_get_response` sends the request, with
the framework's `FunctionInvocationLayer` (the tool loop) and `ChatMiddlewareLayer` on top, as
the framework's own provider clients compose them (the telemetry layer is left out: tracing
is off). The agent's instructions arrive as `options["instructions"]` and are sent first as
the system message, as the OpenAI client does. The framework is asyncio-native, so the
request takes the deferred reply and awaits the simulated latency on the event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

from agent_framework import (
    BaseChatClient,
    ChatMiddlewareLayer,
    ChatResponse,
    ChatResponseUpdate,
    FunctionInvocationLayer,
    Message,
)

from .messages import from_reply, reply_contents, to_request


def tool_schema(tool: Any) -> dict[str, Any]:
    """A function tool as the bridge's {"name", "description", "parameters"}."""
    return {
        "name": tool.name,
        "description": tool.description or "",
        "parameters": tool.parameters(),
    }


class LegionChatClient(FunctionInvocationLayer[Any], ChatMiddlewareLayer[Any], BaseChatClient[Any]):
    """A chat client whose completions come from the C++ simulated model."""

    OTEL_PROVIDER_NAME = "legion"

    def __init__(self, model: Any, max_iterations: int) -> None:
        super().__init__(function_invocation_configuration={"max_iterations": max_iterations})
        self._simulated = model  # legion_bridge.model

    def _request(
        self, messages: Sequence[Message], options: Mapping[str, Any]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        sent = to_request(messages)
        if options.get("instructions"):
            sent.insert(0, {"role": "system", "content": options["instructions"]})
        tools = options.get("tools") or []
        offered = [] if options.get("tool_choice") == "none" else [tool_schema(t) for t in tools]
        return sent, offered

    async def _complete(
        self, messages: Sequence[Message], options: Mapping[str, Any]
    ) -> dict[str, Any]:
        sent, offered = self._request(messages, options)
        reply = self._simulated.complete_deferred(sent, offered or None)
        if reply["wait_s"] > 0:
            await asyncio.sleep(reply["wait_s"])
        return reply

    def _inner_get_response(
        self,
        *,
        messages: Sequence[Message],
        stream: bool,
        options: Mapping[str, Any],
        **kwargs: Any,
    ) -> Any:
        if not stream:
            return self._respond(messages, options)

        async def updates() -> AsyncIterator[ChatResponseUpdate]:
            # The simulated model does not stream: the whole reply as one update.
            reply = await self._complete(messages, options)
            yield ChatResponseUpdate(
                role="assistant",
                contents=reply_contents(reply),
                finish_reason="tool_calls" if reply["tool_calls"] else "stop",
            )

        return self._build_response_stream(updates())

    async def _respond(
        self, messages: Sequence[Message], options: Mapping[str, Any]
    ) -> ChatResponse:
        return from_reply(await self._complete(messages, options))
