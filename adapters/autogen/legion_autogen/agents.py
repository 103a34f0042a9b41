"""Agents of a scenario as AutoGen `AssistantAgent`s.

The system message carries the agent's role, goal and instructions in LEGION's wording: an
agent's script may live in its instructions, and the same prompt text gives the simulated
model the same request as under LEGION.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from autogen_agentchat.agents import AssistantAgent, BaseChatAgent
from autogen_agentchat.base import Response, TaskResult
from autogen_agentchat.messages import BaseChatMessage, TextMessage
from autogen_core import CancellationToken
from autogen_core.models import ChatCompletionClient
from autogen_core.tools import BaseTool

from legion_common import AgentSpec, system_prompt

from .messages import BridgeMessage, transcript


def make_agent(
    client: ChatCompletionClient,
    agent: AgentSpec,
    tools: Sequence[BaseTool[Any, Any]] = (),
    max_tool_iterations: int = 1,
    **options: Any,
) -> AssistantAgent:
    """An `AssistantAgent` with the agent's system message and tools.

    With tools, it loops up to `max_tool_iterations` model calls while the model asks for
    tools (LEGION's agent loop), and reflects on the tool results when the loop runs out, so
    the run always ends on a model reply rather than on a tool-call summary.
    """
    if tools:
        options.setdefault("reflect_on_tool_use", True)
        options.setdefault("max_tool_iterations", max_tool_iterations)
    return AssistantAgent(
        agent["name"],
        model_client=client,
        tools=list(tools) or None,
        system_message=system_prompt(agent),
        description=agent.get("role") or "An agent.",
        **options,
    )


async def agent_transcript(agent: AssistantAgent, spec: AgentSpec) -> list[BridgeMessage]:
    """The agent's run: its system message and its kept context (AutoGen's model context)."""
    return transcript(system_prompt(spec), await agent.model_context.get_messages())


def last_text(
    result: TaskResult | Sequence[BaseChatMessage], sources: Collection[str] | None = None
) -> str:
    """The text of the last chat message of a run (from one of `sources`, when given: a team
    may end on its manager's stop message)."""
    messages = result.messages if isinstance(result, TaskResult) else result
    for message in reversed(messages):
        if isinstance(message, BaseChatMessage) and (sources is None or message.source in sources):
            return message.to_text()
    raise RuntimeError("the run produced no chat message")


class RuleAgent(BaseChatAgent):
    """A participant without a model (a tally, a checker): its reply is a function of the
    messages it receives since its last turn."""

    @property
    def produced_message_types(self) -> Sequence[type[BaseChatMessage]]:
        return (TextMessage,)

    def reply(self, messages: Sequence[BaseChatMessage]) -> str:
        raise NotImplementedError

    async def on_messages(
        self, messages: Sequence[BaseChatMessage], cancellation_token: CancellationToken
    ) -> Response:
        return Response(chat_message=TextMessage(content=self.reply(messages), source=self.name))

    async def on_reset(self, cancellation_token: CancellationToken) -> None:
        pass
