"""The model endpoint of an HTTP run (legion-bench --transport=http or --endpoint).

The harness decides the transport and puts it in the spec as `endpoint`: {"base_url" (without
/v1), "model", "api_key_env" (the variable's name, or ""), "timeout_s", "max_retries", and,
when legion-bench --max-tokens gave one, "max_tokens"}; each package then builds its
framework's own OpenAI client from it, the reply cap through that client's own parameter.
The key itself never travels in the spec: it is read here, from the environment, and handed
only to the client.
"""

from __future__ import annotations

import os
from typing import Any

# OpenAI's clients refuse an empty key; a local server ignores whatever is sent.
PLACEHOLDER_KEY = "not-needed"


def endpoint(spec: dict[str, Any]) -> dict[str, Any] | None:
    """The spec's endpoint, or None for the in-process simulated model."""
    return spec.get("endpoint") or None


def v1_url(endpoint: dict[str, Any]) -> str:
    """The base URL OpenAI's clients expect: the server's root plus /v1."""
    return endpoint["base_url"].rstrip("/") + "/v1"


def max_tokens(endpoint: dict[str, Any]) -> int | None:
    """The reply cap each client passes as its own `max_tokens` parameter; None: none sent."""
    cap = endpoint.get("max_tokens")
    return int(cap) if cap else None


def api_key(endpoint: dict[str, Any]) -> str:
    """The key from the named environment variable, else a placeholder."""
    name = endpoint.get("api_key_env") or ""
    return (os.environ.get(name) if name else None) or PLACEHOLDER_KEY
