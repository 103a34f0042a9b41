"""The SDK's Responses-format items <-> the bridge's message dicts.

One conversion serves both directions of the contract: the requests the scripted model gets
and the transcripts the harness hashes. The SDK keeps a model response as separate items (an
assistant `message`, then one `function_call` per tool call); LEGION keeps one assistant
message holding the text and the calls, so a message and the calls right after it are joined.
A `function_call_output` becomes a tool message named after its call.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from legion_common import BridgeMessage

_ROLES = {"user": "user", "system": "system", "developer": "system", "assistant": "assistant"}


def _text(content: Any) -> str:
    """A message's text: a string, or the text parts of a content list."""
    if isinstance(content, str):
        return content
    return "".join(str(part.get("text", "")) for part in content if isinstance(part, Mapping))


def _plain(item: Any) -> Mapping[str, Any]:
    return item if isinstance(item, Mapping) else item.model_dump(exclude_unset=False)


def to_bridge(items: str | Iterable[Any]) -> list[BridgeMessage]:
    """Input items (dicts or pydantic items) as bridge messages, in order."""
    if isinstance(items, str):
        return [{"role": "user", "content": items}]
    out: list[BridgeMessage] = []
    tool_names: dict[str, str] = {}
    open_turn: BridgeMessage | None = None  # the assistant message calls may still join
    for raw in items:
        item = _plain(raw)
        kind = item.get("type", "message")
        if kind == "message":
            role = _ROLES.get(item.get("role", ""))
            if role is None:
                raise TypeError(f"legion_openai_agents: a message with role {item.get('role')!r}")
            message: BridgeMessage = {"role": role, "content": _text(item.get("content", ""))}
            if role == "user" and item.get("name"):
                message["name"] = item["name"]
            out.append(message)
            open_turn = message if role == "assistant" else None
        elif kind == "function_call":
            tool_names[item["call_id"]] = item["name"]
            call = {
                "id": item["call_id"],
                "name": item["name"],
                "arguments": json.loads(item.get("arguments") or "{}"),
            }
            if open_turn is None:
                open_turn = {"role": "assistant", "content": ""}
                out.append(open_turn)
            open_turn.setdefault("tool_calls", []).append(call)
        elif kind == "function_call_output":
            out.append(
                {
                    "role": "tool",
                    "content": _text(item.get("output", "")),
                    "tool_call_id": item["call_id"],
                    "name": tool_names.get(item["call_id"], ""),
                }
            )
            open_turn = None
        else:
            raise TypeError(f"legion_openai_agents: cannot send a {kind!r} item to the model")
    return out


def transcript(system_prompt: str, items: Iterable[Any]) -> list[BridgeMessage]:
    """An agent's run as the harness expects it: its system message, then its items."""
    return [{"role": "system", "content": system_prompt}, *to_bridge(items)]


def user(text: str, name: str | None = None) -> dict[str, Any]:
    """A user input item (another agent's turn carries the speaker's name). Typed "message":
    the SDK's Chat Completions converter (OpenAIChatCompletionsModel, HTTP runs) accepts an
    untyped input message only without extra keys; typed, it sends role and content (Chat
    Completions has no speaker name to carry), and the transcript keeps the name."""
    item: dict[str, Any] = {"type": "message", "role": "user", "content": text}
    if name:
        item["name"] = name
    return item
