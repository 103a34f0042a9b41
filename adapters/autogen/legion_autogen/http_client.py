"""The model client of an HTTP run: autogen-ext's `OpenAIChatCompletionClient`, the client an
AutoGen user points at an OpenAI-compatible server, with nothing of ours in between.

`model_info` is required for a model name OpenAI's catalogue does not know; it states what
the simulated model (and a served local model) can do. Token counting (`count_tokens`,
`remaining_tokens`) would load a tiktoken encoding (a download): no scenario calls them
(unbounded model contexts), so nothing is fetched.
"""

from __future__ import annotations

from typing import Any

from autogen_core.models import ChatCompletionClient

from legion_common import api_key, max_tokens, v1_url

from .model_client import MODEL_INFO


def http_model_client(endpoint: dict[str, Any]) -> ChatCompletionClient:
    from autogen_ext.models.openai import OpenAIChatCompletionClient

    arguments: dict[str, Any] = {
        "model": endpoint["model"],
        "base_url": v1_url(endpoint),
        "api_key": api_key(endpoint),
        "model_info": MODEL_INFO,
        "temperature": 0,
        "timeout": float(endpoint["timeout_s"]),
        "max_retries": int(endpoint["max_retries"]),
    }
    cap = max_tokens(endpoint)
    if cap is not None:  # a create argument like temperature: sent with every request when set
        arguments["max_tokens"] = cap
    return OpenAIChatCompletionClient(**arguments)
