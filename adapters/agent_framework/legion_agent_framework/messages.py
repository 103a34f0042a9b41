"""Agent Framework `Message`s <-> the bridge's message dicts.

One conversion serves both directions of the contract: requests to the simulated model and
the transcripts the harness hashes. A tool message carrying several `function_result`
contents becomes one tool message per result, as LEGION records them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from agent_framework import AgentResponse, ChatResponse, Content, Message

from legion_common import BridgeMessage


def _text(message: Message) -> str:
    return "".join(content.text or "" for content in message.contents if content.type == "text")


def to_bridge(message: Message) -> list[BridgeMessage]:
    """One message as bridge dicts (a tool message gives one per result)."""
    results = [content for content in message.contents if content.type == "function_result"]
    if results:
        return [
            {"role": "tool", "content": _result_text(result.result), "tool_call_id": result.call_id}
            for result in results
        ]
    out: BridgeMessage = {"role": str(message.role), "content": _text(message)}
    if message.role == "user" and message.author_name:
        out["name"] = message.author_name
    calls = [content for content in message.contents if content.type == "function_call"]
    if calls:
        out["tool_calls"] = [
            {"id": call.call_id, "name": call.name, "arguments": call.parse_arguments() or {}}
            for call in calls
        ]
    return [out]


def to_request(messages: Iterable[Message]) -> list[BridgeMessage]:
    """A model request's messages (or an agent's kept context)."""
    return [sent for message in messages for sent in to_bridge(message)]


def from_reply(reply: dict[str, Any]) -> ChatResponse:
    """The model's reply dict as the `ChatResponse` a provider client returns."""
    return ChatResponse(
        messages=[Message("assistant", reply_contents(reply))],
        finish_reason="tool_calls" if reply["tool_calls"] else "stop",
        usage_details={
            "input_token_count": reply["prompt_tokens"],
            "output_token_count": reply["completion_tokens"],
            "total_token_count": reply["prompt_tokens"] + reply["completion_tokens"],
        },
    )


def reply_contents(reply: dict[str, Any]) -> list[Content]:
    contents = [Content.from_text(reply["content"])] if reply["content"] else []
    contents += [
        Content.from_function_call(call["id"], call["name"], arguments=call["arguments"])
        for call in reply["tool_calls"]
    ]
    return contents


def last_text(response: AgentResponse) -> str:
    """The text of the agent's final message (not the tool round's texts before it)."""
    if not response.messages:
        raise RuntimeError("the agent run produced no message")
    return _text(response.messages[-1])


def _result_text(result: Any) -> str:
    if isinstance(result, str):
        return result
    if isinstance(result, list):  # a result parsed into contents
        return "".join(item.text or "" for item in result if getattr(item, "type", "") == "text")
    return "" if result is None else str(result)
