"""The SDK's `Model` over LEGION's simulated model (the `legion_bridge` module).

Every agent runs on a `LegionModel`, exactly as an SDK user plugs in a non-OpenAI provider
(`agents.models.interface.Model`, served by `LegionModelProvider`): system instructions and
Responses-format input items in, a `ModelResponse` (an assistant message and/or
`function_call` items) out. `get_response` takes the deferred reply and awaits the simulated
latency on the event loop, as a network call overlaps. The simulated model does not stream:
`stream_response` yields the whole response as one `response.completed` event.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator
from typing import Any

from agents import FunctionTool, Handoff, Model, ModelProvider, ModelResponse, ModelTracing, Usage
from openai.types.responses import (
    Response,
    ResponseCompletedEvent,
    ResponseFunctionToolCall,
    ResponseOutputMessage,
    ResponseOutputText,
)

from .items import to_bridge

MODEL_NAME = "legion-simulated"


def offered(tools: list[Any], handoffs: list[Handoff]) -> list[dict[str, Any]]:
    """The function tools (and handoffs, as the SDK offers them) as the bridge's tool specs."""
    specs = [
        {
            "name": tool.name,
            "description": tool.description,
            "parameters": tool.params_json_schema,
        }
        for tool in tools
        if isinstance(tool, FunctionTool)
    ]
    if len(specs) != len(tools):
        raise TypeError("legion_openai_agents: only function tools run offline")
    specs += [
        {
            "name": handoff.tool_name,
            "description": handoff.tool_description,
            "parameters": handoff.input_json_schema,
        }
        for handoff in handoffs
    ]
    return specs


class LegionModel(Model):
    """A `Model` whose responses come from the C++ simulated model."""

    def __init__(self, model: Any) -> None:
        self._model = model  # legion_bridge.model
        self._ids = itertools.count()

    async def get_response(
        self,
        system_instructions: str | None,
        input: str | list[Any],
        model_settings: Any,
        tools: list[Any],
        output_schema: Any,
        handoffs: list[Handoff],
        tracing: ModelTracing,
        *,
        previous_response_id: str | None = None,
        conversation_id: str | None = None,
        prompt: Any = None,
        **kwargs: Any,
    ) -> ModelResponse:
        messages = to_bridge(input)
        if system_instructions:
            messages.insert(0, {"role": "system", "content": system_instructions})
        specs = offered(tools, handoffs)
        reply = self._model.complete_deferred(messages, specs or None)
        if reply["wait_s"] > 0:
            await asyncio.sleep(reply["wait_s"])
        return self._response(reply)

    async def stream_response(self, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        response = await self.get_response(*args, **kwargs)
        yield ResponseCompletedEvent(
            type="response.completed",
            sequence_number=0,
            response=Response(
                id=f"resp_{next(self._ids)}",
                created_at=0,
                model=MODEL_NAME,
                object="response",
                output=response.output,
                parallel_tool_calls=True,
                tool_choice="auto",
                tools=[],
            ),
        )

    def _response(self, reply: dict[str, Any]) -> ModelResponse:
        n = next(self._ids)
        output: list[Any] = []
        if reply["content"] or not reply["tool_calls"]:
            output.append(
                ResponseOutputMessage(
                    id=f"msg_{n}",
                    type="message",
                    role="assistant",
                    status="completed",
                    content=[
                        ResponseOutputText(
                            type="output_text", text=reply["content"], annotations=[]
                        )
                    ],
                )
            )
        for index, call in enumerate(reply["tool_calls"]):
            output.append(
                ResponseFunctionToolCall(
                    id=f"fc_{n}_{index}",
                    type="function_call",
                    call_id=call["id"],
                    name=call["name"],
                    arguments=json.dumps(call["arguments"], ensure_ascii=False),
                    status="completed",
                )
            )
        usage = Usage(
            requests=1,
            input_tokens=reply["prompt_tokens"],
            output_tokens=reply["completion_tokens"],
            total_tokens=reply["prompt_tokens"] + reply["completion_tokens"],
        )
        return ModelResponse(output=output, usage=usage, response_id=None)


class LegionModelProvider(ModelProvider):
    """Resolves every model name to the run's one model (a `LegionModel` in-process, the HTTP
    run's `OpenAIChatCompletionsModel`): the SDK's default provider, which would make its own
    OpenAI client, is never asked."""

    def __init__(self, model: Model) -> None:
        self._model = model

    def get_model(self, model_name: str | None) -> Model:
        return self._model
