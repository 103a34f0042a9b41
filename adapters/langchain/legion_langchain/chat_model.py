"""The LangChain chat model over LEGION's simulated model (the `legion_bridge` module).

Every agent of every pattern talks to this one `BaseChatModel`, exactly as a LangChain user
plugs in a provider integration: messages in, an `AIMessage` (text or tool calls) out.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import ConfigDict

import legion_bridge

from .transcript import from_reply, to_bridge

ToolSchema = dict[str, Any]


def tool_schema(tool: dict[str, Any] | type | Callable[..., Any] | BaseTool) -> ToolSchema:
    """A tool as the bridge's {"name", "description", "parameters"}, via LangChain's converter."""
    function = convert_to_openai_tool(tool)["function"]
    return {
        "name": function["name"],
        "description": function.get("description", ""),
        "parameters": function.get("parameters", {"type": "object", "properties": {}}),
    }


class LegionChatModel(BaseChatModel):
    """`BaseChatModel` whose completions come from the C++ simulated model.

    `_generate` blocks in C++ (the GIL is released while the simulated latency elapses);
    `_agenerate` gets the reply at once and awaits the latency on the event loop, so
    concurrent runs overlap the way real network calls do.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    client: Any
    """`legion_bridge.model`: `complete` / `complete_deferred`."""

    @property
    def _llm_type(self) -> str:
        return "legion-simulated"

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: str | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Offer the tools to the model; it picks calls by the script, so tool_choice is moot."""
        return self.bind(tools=[tool_schema(tool) for tool in tools], **kwargs)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        reply = self.client.complete([to_bridge(m) for m in messages], kwargs.get("tools"))
        return ChatResult(generations=[ChatGeneration(message=from_reply(reply))])

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        # The default would hop to a thread pool per call; the deferred reply stays on the loop.
        reply = self.client.complete_deferred([to_bridge(m) for m in messages], kwargs.get("tools"))
        if reply["wait_s"] > 0:
            await asyncio.sleep(reply["wait_s"])
        return ChatResult(generations=[ChatGeneration(message=from_reply(reply))])

    def get_num_tokens(self, text: str) -> int:
        """The benchmark's one token rule (the default would fetch a GPT-2 tokenizer)."""
        return legion_bridge.count_tokens(text)

    def get_num_tokens_from_messages(
        self, messages: list[BaseMessage], tools: Sequence[Any] | None = None
    ) -> int:
        """Prompt tokens as the simulated model counts them (docs/simulated-model.md)."""
        count = legion_bridge.count_tokens
        total = 0
        for message in messages:
            sent = to_bridge(message)
            total += 4 + count(sent["content"])
            for call in sent.get("tool_calls", ()):
                total += count(call["name"]) + count(_compact(call["arguments"]))
        for tool in tools or ():
            schema = tool_schema(tool)
            total += count(schema["name"] + schema["description"] + _compact(schema["parameters"]))
        return total


def _compact(value: Any) -> str:
    """nlohmann's compact dump(): sorted keys, no spaces, UTF-8 kept."""
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
