"""CrewAI's LLM over LEGION's simulated model (the `legion_bridge` module).

`LegionLLM` is a `crewai.BaseLLM` subclass, the way CrewAI documents custom providers:
`call` blocks in `model.complete` (the GIL is released while the simulated latency elapses),
`acall` takes `complete_deferred` and awaits the latency on the event loop, and native
function calling is on: CrewAI passes the tools in OpenAI's schema and gets OpenAI-style
tool calls back.

Every request and reply also goes to the `Recorder`, which rebuilds each agent run's
conversation for the harness's transcripts (what the model was sent and what it replied:
exactly the work the hash covers).
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

from crewai import BaseLLM
from pydantic import PrivateAttr

import legion_bridge

from .transcript import BridgeMessage, Recorder, from_reply, to_bridge

CONTEXT_WINDOW = 1_000_000  # the simulated model has no limit; CrewAI must never summarise


def tool_schema(tool: dict[str, Any]) -> dict[str, Any]:
    """An OpenAI-format tool ({"type": "function", "function": {...}}) as the bridge's dict."""
    function = tool.get("function", tool)
    return {
        "name": function["name"],
        "description": function.get("description", ""),
        "parameters": function.get("parameters") or {"type": "object", "properties": {}},
    }


class LegionLLM(BaseLLM):
    """`BaseLLM` whose completions come from the C++ simulated model."""

    client: Any = None
    """`legion_bridge.model`: `complete` / `complete_deferred`."""

    _recorder: Recorder | None = PrivateAttr(default=None)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    def record_into(self, recorder: Recorder | None) -> None:
        """Send this LLM's requests and replies to `recorder` (one per run)."""
        self._recorder = recorder

    def supports_function_calling(self) -> bool:
        return True

    def supports_stop_words(self) -> bool:
        return False  # native tool calls, no ReAct "Observation:" to cut at

    def get_context_window_size(self) -> int:
        return CONTEXT_WINDOW

    def get_input_tokens_count(
        self, messages: Any, tools: Any = None, response_model: Any = None
    ) -> int:
        """The benchmark's token rule (CrewAI's fallback would log a warning per check)."""
        if isinstance(messages, str):
            return legion_bridge.count_tokens(messages)
        return sum(4 + legion_bridge.count_tokens(to_bridge(m)["content"]) for m in messages)

    def _request(self, messages: Any, tools: Any) -> tuple[list[BridgeMessage], list | None]:
        if isinstance(messages, str):
            messages = [{"role": "user", "content": messages}]
        sent = [to_bridge(m) for m in messages]
        offered = [tool_schema(t) for t in tools] if tools else None
        return sent, offered

    def _answer(
        self, sent: list[BridgeMessage], reply: dict[str, Any], from_agent: Any, sent_at: float
    ) -> Any:
        recorder = self._recorder
        if recorder is not None:
            recorder.record(from_agent, sent, reply, sent_at)
        out = from_reply(reply)
        if out is None or out == "":
            return " "  # CrewAI rejects an empty reply; the script's `answer` may be empty
        return out

    def call(
        self,
        messages: Any,
        tools: list[dict[str, Any]] | None = None,
        callbacks: list[Any] | None = None,
        available_functions: dict[str, Any] | None = None,
        from_task: Any = None,
        from_agent: Any = None,
        response_model: Any = None,
    ) -> Any:
        sent, offered = self._request(messages, tools)
        sent_at = time.perf_counter()
        reply = self.client.complete(sent, offered)
        return self._answer(sent, reply, from_agent, sent_at)

    async def acall(
        self,
        messages: Any,
        tools: list[dict[str, Any]] | None = None,
        callbacks: list[Any] | None = None,
        available_functions: dict[str, Any] | None = None,
        from_task: Any = None,
        from_agent: Any = None,
        response_model: Any = None,
    ) -> Any:
        # The deferred reply stays on the loop: concurrent runs overlap like network calls.
        sent, offered = self._request(messages, tools)
        sent_at = time.perf_counter()
        reply = self.client.complete_deferred(sent, offered)
        if reply["wait_s"] > 0:
            await asyncio.sleep(reply["wait_s"])
        return self._answer(sent, reply, from_agent, sent_at)
