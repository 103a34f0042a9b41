"""llama-cpp-python's OpenAI-compatible server (python -m llama_cpp.server, same arguments) with
llama.cpp's extra weight buffers off, for scripts/real-model.

Why: llama.cpp puts weights in an AMX buffer when the CPU reports AMX; on this VM the first
AMX instruction (ldtilecfg in ggml_backend_amx_mul_mat) dies with a general protection fault,
so the server segfaults on its first completion. llama-cpp-python has no option for
llama_model_params.use_extra_bufts; the plain CPU buffers give the same results.

Also: llama-cpp-python 0.3.36 knows only the older name of OpenAI's reply cap, `max_tokens`,
and drops `max_completion_tokens` (the name OpenAI's API documents now, and the one
langchain-openai's ChatOpenAI sends its `max_tokens` as) without a word: the reply would then
run to the end of the context. The chat request accepts the new name as the old one.
And: its request model wants every assistant message's `content` to be a string, while OpenAI's
API (and so CrewAI, AutoGen, the OpenAI Agents SDK) sends `null` beside `tool_calls`; such a
request, the one after every tool call, was refused with a 500. An assistant message with tool
calls and null content is read as empty content. And: its chatml-function-calling replies
carry the deprecated `function_call` beside `tool_calls`, which OpenAI's API never sends for a
request with `tools`; AutoGen's client refuses such a reply ("function_call is deprecated"), so
a reply with tool calls keeps only `tool_calls`.
"""

import sys
from typing import Any

import llama_cpp
import llama_cpp.llama_cpp as llama_low
import llama_cpp.server.types as server_types
from pydantic import model_validator

_default_params = llama_low.llama_model_default_params


def _params_without_extra_buffers() -> Any:
    params = _default_params()
    params.use_extra_bufts = False
    return params


def null_content_as_empty(message: Any) -> Any:
    """An assistant message carrying tool calls with `content: null`, with "" instead."""
    if (
        isinstance(message, dict)
        and message.get("role") == "assistant"
        and message.get("content") is None
        and message.get("tool_calls")
    ):
        return {**message, "content": ""}
    return message


_create_chat_completion = llama_cpp.Llama.create_chat_completion


def create_chat_completion(self: llama_cpp.Llama, *args: Any, **kwargs: Any) -> Any:
    """Llama.create_chat_completion, its reply without `function_call` beside `tool_calls`
    (a streamed reply is passed on as it comes)."""
    out = _create_chat_completion(self, *args, **kwargs)
    if isinstance(out, dict):
        for choice in out.get("choices", []):
            message = choice.get("message") or {}
            if message.get("tool_calls"):
                message.pop("function_call", None)
    return out


class ChatRequest(server_types.CreateChatCompletionRequest):
    """The server's chat request as OpenAI's API takes it: `max_completion_tokens` read as
    `max_tokens`, and null assistant content beside tool calls read as empty."""

    @model_validator(mode="before")
    @classmethod
    def _openai_request(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if data.get("max_completion_tokens") is not None:
            cap = data.pop("max_completion_tokens")
            if data.get("max_tokens") is None:
                data["max_tokens"] = cap
        messages = data.get("messages")
        if isinstance(messages, list):
            data["messages"] = [null_content_as_empty(m) for m in messages]
        return data


if __name__ == "__main__":
    llama_low.llama_model_default_params = _params_without_extra_buffers
    # Before llama_cpp.server.app is imported: its routes take the request class by name.
    server_types.CreateChatCompletionRequest = ChatRequest  # type: ignore[misc, unused-ignore]
    llama_cpp.Llama.create_chat_completion = create_chat_completion  # type: ignore[method-assign, unused-ignore]
    # Imported after the patch: the server reads the patched function when it loads the model.
    from llama_cpp.server.__main__ import main

    sys.exit(main())
