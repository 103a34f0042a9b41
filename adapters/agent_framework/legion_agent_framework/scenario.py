"""What every pattern module builds from, and what it hands back.

`Scenario` adds to legion_common's (the spec, the catalogue tools, the search_memory tool) the
Agent Framework chat client all its agents share. `Runner` is legion_common's `LoopRunner`:
one asyncio event loop for the runner's lifetime, its agents and workflows built on it, every
run() run to completion on it. `RunResult` is legion_common's.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent_framework import FunctionTool

from legion_common import AgentSpec, LoopRunner, RunResult, ScenarioBase

from .agents import Participant, make_agent
from .chat_client import LegionChatClient

__all__ = ["RunResult", "Runner", "Scenario"]


@dataclass(frozen=True)
class Scenario(ScenarioBase[FunctionTool]):
    client: LegionChatClient

    def participant(
        self, agent: AgentSpec, extra_tools: tuple[FunctionTool, ...] = (), keep: bool = False
    ) -> Participant:
        """The agent with its own tools, then `extra_tools` (LEGION's order); `keep` gives it
        an `AgentSession`, so its conversation carries over between its runs."""
        tools = self.tools_of(agent, extra_tools)
        return Participant(make_agent(self.client, agent, tools), agent, keep)


Runner = LoopRunner[Scenario]
