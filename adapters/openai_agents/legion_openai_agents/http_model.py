"""The model of an HTTP run: the SDK's `OpenAIChatCompletionsModel` over an `AsyncOpenAI` client
pointed at the endpoint (legion-simserver, or a real server with --endpoint): the pairing the
SDK documents for any OpenAI-compatible provider, with nothing of ours in between.

Chat Completions, not the Responses API: legion-simserver (and most local servers) speak
`/v1/chat/completions` only. The client's connections belong to the event loop that first
uses them, the runner's own, so the runner closes the client on that loop (scenario.py).
"""

from __future__ import annotations

from typing import Any

from agents import Model, ModelSettings, OpenAIChatCompletionsModel
from openai import AsyncOpenAI

from legion_common import api_key, max_tokens, v1_url


def http_client(endpoint: dict[str, Any]) -> AsyncOpenAI:
    """The `openai` SDK's async client for the endpoint (the key from the named variable)."""
    return AsyncOpenAI(
        base_url=v1_url(endpoint),
        api_key=api_key(endpoint),
        timeout=float(endpoint["timeout_s"]),
        max_retries=int(endpoint["max_retries"]),
    )


def http_model(endpoint: dict[str, Any], client: AsyncOpenAI) -> Model:
    """Every agent's model over HTTP."""
    return OpenAIChatCompletionsModel(model=endpoint["model"], openai_client=client)


def http_model_settings(endpoint: dict[str, Any]) -> ModelSettings | None:
    """The run's model settings over HTTP: the reply cap as the SDK's `max_tokens` (sent as
    Chat Completions' `max_tokens`), or None (the SDK's defaults) without one."""
    cap = max_tokens(endpoint)
    return None if cap is None else ModelSettings(max_tokens=cap)
