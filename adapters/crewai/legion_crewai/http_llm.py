"""The LLM of an HTTP run: CrewAI's native OpenAI provider, the class `crewai.LLM(model=...,
base_url=..., custom_openai=True)` builds for an OpenAI-compatible server (chat completions
through the `openai` SDK; litellm is neither installed nor needed).

The subclass only watches: each call and its reply also go to the run's `Recorder`, which
rebuilds the agent runs for the harness's transcripts (CrewAI keeps no conversation history to
read afterwards). Request building, the HTTP exchange, parsing and retries are CrewAI's and the
SDK's own. Token counting on a compatible server is CrewAI's characters / 4 estimate (no
tiktoken, nothing downloaded).
"""

from __future__ import annotations

import json
import time
from typing import Any

from crewai.llms.providers.openai.completion import OpenAICompletion
from pydantic import PrivateAttr

from legion_common import api_key, max_tokens, v1_url

from .transcript import Recorder, to_bridge


def reply_of(out: Any) -> dict[str, Any]:
    """What the provider returned to CrewAI (text, or the SDK's tool calls) as the bridge's
    reply dict, for the recorder."""
    if isinstance(out, list):
        calls = []
        for call in out:
            function = call["function"] if isinstance(call, dict) else call.function
            name = function["name"] if isinstance(function, dict) else function.name
            raw = function["arguments"] if isinstance(function, dict) else function.arguments
            calls.append(
                {
                    "id": call["id"] if isinstance(call, dict) else call.id,
                    "name": name,
                    "arguments": json.loads(raw) if raw else {},
                }
            )
        return {"content": "", "tool_calls": calls}
    return {"content": out if isinstance(out, str) else str(out), "tool_calls": []}


class RecordingOpenAICompletion(OpenAICompletion):
    """`OpenAICompletion` that reports each exchange to the run's recorder."""

    _recorder: Recorder | None = PrivateAttr(default=None)
    _window: int | None = PrivateAttr(default=None)

    def record_into(self, recorder: Recorder | None) -> None:
        self._recorder = recorder

    def get_context_window_size(self) -> int:
        # The simulated server has no limit (as in-process); a real model keeps CrewAI's own.
        return self._window if self._window else super().get_context_window_size()

    def _record(self, messages: Any, out: Any, from_agent: Any, sent_at: float) -> None:
        recorder = self._recorder
        if recorder is None:
            return
        if isinstance(messages, str):
            messages = [{"role": "user", "content": messages}]
        recorder.record(from_agent, [to_bridge(m) for m in messages], reply_of(out), sent_at)

    def call(
        self,
        messages: Any,
        tools: Any = None,
        callbacks: Any = None,
        available_functions: Any = None,
        from_task: Any = None,
        from_agent: Any = None,
        response_model: Any = None,
    ) -> Any:
        sent_at = time.perf_counter()
        out = super().call(
            messages, tools, callbacks, available_functions, from_task, from_agent, response_model
        )
        self._record(messages, out, from_agent, sent_at)
        return out

    async def acall(
        self,
        messages: Any,
        tools: Any = None,
        callbacks: Any = None,
        available_functions: Any = None,
        from_task: Any = None,
        from_agent: Any = None,
        response_model: Any = None,
    ) -> Any:
        sent_at = time.perf_counter()
        out = await super().acall(
            messages, tools, callbacks, available_functions, from_task, from_agent, response_model
        )
        self._record(messages, out, from_agent, sent_at)
        return out


def http_llm(endpoint: dict[str, Any]) -> RecordingOpenAICompletion:
    """The provider `crewai.LLM` routes this endpoint to (custom_openai: any model name is
    served on /v1/chat/completions), built directly so it can record."""
    llm = RecordingOpenAICompletion(
        model=endpoint["model"],
        provider="openai",
        custom_openai=True,
        base_url=v1_url(endpoint),
        api_key=api_key(endpoint),
        temperature=0,
        timeout=float(endpoint["timeout_s"]),
        max_retries=int(endpoint["max_retries"]),
        max_tokens=max_tokens(endpoint),
    )
    llm._window = endpoint.get("context_window")
    return llm
