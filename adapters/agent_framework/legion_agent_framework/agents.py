"""Agents of a scenario as Agent Framework `Agent`s, and the record of their runs.

The instructions carry the agent's role, goal and instructions in LEGION's wording: an
agent's script may live in its instructions, and the same prompt text gives the simulated
model the same request as under LEGION. A `Participant` is an agent in a scenario: it runs
the agent (with an `AgentSession` when the agent keeps its conversation across runs) and
keeps the messages of its runs, which are the agent's transcript.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from agent_framework import Agent, AgentResponse, FunctionTool, Message

from legion_common import AgentSpec, system_prompt

from .messages import BridgeMessage, last_text, to_request


def make_agent(client: Any, agent: AgentSpec, tools: Sequence[FunctionTool]) -> Agent:
    """An `Agent` with the agent's instructions and `tools` (in LEGION's order)."""
    return Agent(
        client,
        system_prompt(agent),
        name=agent["name"],
        description=agent.get("role") or None,
        tools=list(tools) or None,
    )


class Participant:
    """An agent and its kept context; `reset()` starts a fresh conversation."""

    def __init__(self, agent: Agent, spec: AgentSpec, keep: bool) -> None:
        self.agent = agent
        self.spec = spec
        self.name: str = spec["name"]
        self._keep = keep
        self.reset()

    def reset(self) -> None:
        self._session = self.agent.create_session() if self._keep else None
        self._context: list[Message] = []

    async def run(self, messages: str | Message | Sequence[Message]) -> str:
        """One run of the agent on `messages`; its final text."""
        return last_text(await self.respond(messages))

    async def respond(self, messages: str | Message | Sequence[Message]) -> AgentResponse:
        """One run of the agent on `messages`; the framework's response."""
        if isinstance(messages, str):
            messages = [Message("user", [messages])]
        elif isinstance(messages, Message):
            messages = [messages]
        else:
            messages = list(messages)
        response: AgentResponse = await self.agent.run(messages, session=self._session)
        if not self._keep:
            self._context = []  # a run without a session starts afresh
        self._context += [*messages, *response.messages]
        return response

    def said(self, text: str) -> Message:
        """What this agent said, as the other participants hear it."""
        return Message("user", [text], author_name=self.name)

    def transcript(self) -> list[BridgeMessage]:
        """The agent's run: its system message, then its kept context."""
        return [{"role": "system", "content": system_prompt(self.spec)}, *to_request(self._context)]
