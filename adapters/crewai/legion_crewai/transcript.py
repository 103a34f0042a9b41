"""CrewAI's message dicts <-> the bridge's, and the agent runs rebuilt from the model's traffic.

CrewAI speaks OpenAI's chat format: assistant tool calls are
`{"id", "type": "function", "function": {"name", "arguments": JSON text}}`, tool results
`{"role": "tool", "tool_call_id", "content"}`. The bridge wants `{"id", "name", "arguments":
dict}`. Only fields LEGION itself sets are sent, so the simulated model sees the work the same
way (the hash covers assistant replies and tool results only).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from legion_common import BridgeMessage


def _text(content: Any) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # multimodal parts
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)


def _arguments(raw: Any) -> dict[str, Any]:
    if isinstance(raw, dict):
        return raw
    if not raw:
        return {}
    return json.loads(raw)


def to_bridge(message: dict[str, Any]) -> BridgeMessage:
    """One CrewAI (OpenAI-format) message as the bridge dict."""
    role = message.get("role", "user")
    out: BridgeMessage = {"role": role, "content": _text(message.get("content"))}
    if role == "assistant" and message.get("tool_calls"):
        out["tool_calls"] = [
            {
                "id": call.get("id", ""),
                "name": call.get("function", call).get("name", ""),
                "arguments": _arguments(call.get("function", call).get("arguments")),
            }
            for call in message["tool_calls"]
        ]
    if role == "tool":
        out["tool_call_id"] = message.get("tool_call_id", "")
        if message.get("name"):
            out["name"] = message["name"]
    elif role == "user" and message.get("name"):
        out["name"] = message["name"]
    return out


def from_reply(reply: dict[str, Any]) -> Any:
    """The model's reply as a provider integration returns it to CrewAI: the text, or the list
    of OpenAI-format tool calls."""
    if reply["tool_calls"]:
        return [
            {
                "id": call["id"],
                "type": "function",
                "function": {
                    "name": call["name"],
                    "arguments": json.dumps(call["arguments"], ensure_ascii=False),
                },
            }
            for call in reply["tool_calls"]
        ]
    return reply["content"]


def reply_message(reply: dict[str, Any]) -> BridgeMessage:
    out: BridgeMessage = {"role": "assistant", "content": reply["content"]}
    if reply["tool_calls"]:
        out["tool_calls"] = [
            {"id": c["id"], "name": c["name"], "arguments": c["arguments"]}
            for c in reply["tool_calls"]
        ]
    return out


_SESSION: ContextVar[str | None] = ContextVar("legion_crewai_session", default=None)


@contextmanager
def session(name: str) -> Iterator[None]:
    """Model calls made inside belong to the agent run `name`, whatever their messages.

    For conversations kept by the caller (`Agent.kickoff(messages=history)`): each kickoff
    resends the history, but CrewAI rewraps the newest user message as "Current Task: ...",
    so a later request is not a plain extension of the earlier one. The run's transcript is
    then its last request plus the reply, which holds every earlier turn.
    """
    token = _SESSION.set(name)
    try:
        yield
    finally:
        _SESSION.reset(token)


class Recorder:
    """The agent runs of one scenario run, rebuilt from the model's requests and replies.

    A request that extends the conversation of an open run of the same agent continues that run
    (an agent's executor resends its whole history each turn); any other request opens a new run.
    Runs are kept in the order they started: pipeline stages, the manager then its delegated
    workers, and so on. A run's transcript is its last request plus the reply.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.runs: list[dict[str, Any]] = []  # {"agent", "messages", "first"}

    def record(
        self, agent: Any, sent: list[BridgeMessage], reply: dict[str, Any], sent_at: float
    ) -> None:
        key = getattr(agent, "role", None) if agent is not None else None
        conversation = [*sent, reply_message(reply)]
        named = _SESSION.get()
        with self._lock:
            if named is not None:
                for run in self.runs:
                    if run.get("session") == named:
                        run["messages"] = conversation
                        return
                self.runs.append(
                    {"agent": key, "messages": conversation, "first": sent_at, "session": named}
                )
                return
            for run in reversed(self.runs):
                previous = run["messages"]
                if (
                    run["agent"] == key
                    and len(sent) >= len(previous)
                    and sent[: len(previous)] == previous
                ):
                    run["messages"] = conversation
                    return
            self.runs.append({"agent": key, "messages": conversation, "first": sent_at})

    def agents(self) -> list[Any]:
        with self._lock:
            return [run["agent"] for run in self.runs]

    def first_request_times(self) -> list[float]:
        with self._lock:
            return [run["first"] for run in self.runs]

    def transcripts(self) -> list[list[BridgeMessage]]:
        with self._lock:
            return [run["messages"] for run in self.runs]
