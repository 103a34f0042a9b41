"""AutoGen's `LLMMessage`s <-> the bridge's message dicts.

One conversion serves both directions of the contract: requests to the simulated model and
the transcripts the harness hashes. A `FunctionExecutionResultMessage` carries every result of
one tool round; it becomes one tool message per result, as LEGION records them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from autogen_core import FunctionCall
from autogen_core.models import (
    AssistantMessage,
    CreateResult,
    FunctionExecutionResultMessage,
    LLMMessage,
    RequestUsage,
    SystemMessage,
    UserMessage,
)

from legion_common import BridgeMessage

# AutoGen's name for the task's sender; LEGION's task message carries no name.
TASK_SOURCE = "user"


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    return "\n".join(part for part in content if isinstance(part, str))


def to_bridge(message: LLMMessage) -> list[BridgeMessage]:
    """One AutoGen message as bridge dicts (a tool round gives one per result)."""
    if isinstance(message, SystemMessage):
        return [{"role": "system", "content": message.content}]
    if isinstance(message, UserMessage):
        out: BridgeMessage = {"role": "user", "content": _text(message.content)}
        if message.source and message.source != TASK_SOURCE:
            out["name"] = message.source
        return [out]
    if isinstance(message, AssistantMessage):
        if isinstance(message.content, str):
            return [{"role": "assistant", "content": message.content}]
        return [
            {
                "role": "assistant",
                "content": message.thought or "",
                "tool_calls": [
                    {"id": call.id, "name": call.name, "arguments": json.loads(call.arguments)}
                    for call in message.content
                ],
            }
        ]
    if isinstance(message, FunctionExecutionResultMessage):
        return [
            {
                "role": "tool",
                "content": result.content,
                "tool_call_id": result.call_id,
                "name": result.name,
            }
            for result in message.content
        ]
    raise TypeError(f"legion_autogen: cannot send a {type(message).__name__} to the model")


def to_request(messages: Iterable[LLMMessage]) -> list[BridgeMessage]:
    """A model request's messages."""
    return [sent for message in messages for sent in to_bridge(message)]


def transcript(system_prompt: str, context: Iterable[LLMMessage]) -> list[BridgeMessage]:
    """An agent's run as the harness expects it: its system message, then its kept context."""
    return [{"role": "system", "content": system_prompt}, *to_request(context)]


def from_reply(reply: dict[str, Any]) -> CreateResult:
    """The model's reply dict as the `CreateResult` a provider client would return."""
    usage = RequestUsage(
        prompt_tokens=reply["prompt_tokens"], completion_tokens=reply["completion_tokens"]
    )
    if reply["tool_calls"]:
        return CreateResult(
            finish_reason="function_calls",
            content=[
                FunctionCall(
                    id=call["id"], name=call["name"], arguments=json.dumps(call["arguments"])
                )
                for call in reply["tool_calls"]
            ],
            usage=usage,
            cached=False,
            thought=reply["content"] or None,
        )
    return CreateResult(finish_reason="stop", content=reply["content"], usage=usage, cached=False)
