"""LangChain messages <-> the bridge's message dicts.

One conversion serves both directions of the contract: requests to the simulated model
and the transcripts the harness hashes. Only fields LEGION itself sets are emitted, so the
model sees the same request (same reply, same latency draw) as under the native runtime.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage

from legion_common import BridgeMessage


def _text(message: BaseMessage) -> str:
    content = message.content
    return content if isinstance(content, str) else message.text


def to_bridge(message: BaseMessage) -> BridgeMessage:
    """One LangChain message as the bridge dict ({"role", "content", ...})."""
    if isinstance(message, AIMessage):
        out: BridgeMessage = {"role": "assistant", "content": _text(message)}
        if message.tool_calls:
            out["tool_calls"] = [
                {"id": call["id"], "name": call["name"], "arguments": call["args"]}
                for call in message.tool_calls
            ]
        return out
    if isinstance(message, ToolMessage):
        out = {"role": "tool", "content": _text(message), "tool_call_id": message.tool_call_id}
        if message.name:
            out["name"] = message.name
        return out
    if isinstance(message, HumanMessage):
        out = {"role": "user", "content": _text(message)}
        if message.name:
            out["name"] = message.name
        return out
    if isinstance(message, SystemMessage):
        return {"role": "system", "content": _text(message)}
    raise TypeError(f"legion_langchain: cannot send a {type(message).__name__} to the model")


def transcript(messages: Iterable[BaseMessage]) -> list[BridgeMessage]:
    """An agent run's messages as the harness expects them (it hashes assistant and tool ones)."""
    return [to_bridge(message) for message in messages]


def from_reply(reply: dict[str, Any]) -> AIMessage:
    """The model's reply dict as the AIMessage a provider integration would return."""
    prompt, completion = reply["prompt_tokens"], reply["completion_tokens"]
    return AIMessage(
        content=reply["content"],
        tool_calls=[
            {"name": call["name"], "args": call["arguments"], "id": call["id"], "type": "tool_call"}
            for call in reply["tool_calls"]
        ],
        usage_metadata={
            "input_tokens": prompt,
            "output_tokens": completion,
            "total_tokens": prompt + completion,
        },
    )
