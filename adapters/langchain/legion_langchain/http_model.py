"""The chat model of an HTTP run: langchain-openai's `ChatOpenAI`, the integration a LangChain
user points at an OpenAI-compatible server, with nothing of ours in between.

Event loops: langchain-openai shares one cached async HTTP client among every ChatOpenAI with
the same base URL, and its pooled connections belong to the event loop that opened them. Each
runner here owns its own loop (scenario.py), so each chat model gets its own async client
(the openai SDK's default one, as langchain-openai would build): a connection left from another
runner's closed loop would otherwise fail mid-exchange and be retried, and the server would
count the retried call twice.

The reply cap is ChatOpenAI's `max_tokens`, which it sends under OpenAI's current name,
`max_completion_tokens` (scripts/real_model_server.py teaches llama-cpp-python that name).

Token counting: `ChatOpenAI.get_num_tokens*` would load a tiktoken encoding (a download); no
scenario calls them (no summarising middleware, no trimming), so nothing is fetched.
"""

from __future__ import annotations

from typing import Any

from langchain_core.language_models import BaseChatModel
from pydantic import SecretStr

from legion_common import api_key, max_tokens, v1_url


def http_chat_model(endpoint: dict[str, Any]) -> BaseChatModel:
    import openai
    from langchain_openai import ChatOpenAI  # only HTTP runs pay for the import

    return ChatOpenAI(
        model=endpoint["model"],
        base_url=v1_url(endpoint),
        api_key=SecretStr(api_key(endpoint)),
        temperature=0,
        timeout=float(endpoint["timeout_s"]),
        max_retries=int(endpoint["max_retries"]),
        # The field is max_tokens; its alias is the wire name, max_completion_tokens.
        max_completion_tokens=max_tokens(endpoint),
        http_async_client=openai.DefaultAsyncHttpxClient(),
    )
