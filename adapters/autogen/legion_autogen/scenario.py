"""What every pattern module builds from, and what it hands back.

`Scenario` adds to legion_common's (the spec, the catalogue tools, the search_memory tool) the
AutoGen model client all its agents share. `Runner` is legion_common's `LoopRunner`: one
asyncio event loop for the runner's lifetime, its agents and teams built on it, every run()
run to completion on it. `RunResult` is legion_common's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from autogen_agentchat.agents import AssistantAgent
from autogen_core.models import ChatCompletionClient
from autogen_core.tools import BaseTool

from legion_common import AgentSpec, LoopRunner, RunResult, ScenarioBase

from .agents import make_agent

__all__ = ["RunResult", "Runner", "Scenario"]

Tool = BaseTool[Any, Any]


@dataclass(frozen=True)
class Scenario(ScenarioBase[Tool]):
    client: ChatCompletionClient  # LegionChatCompletionClient in-process, OpenAI's over HTTP

    def agent(
        self, agent: AgentSpec, extra_tools: tuple[Tool, ...] = (), **options: Any
    ) -> AssistantAgent:
        """The agent with its own tools, then `extra_tools` (LEGION's order)."""
        tools = self.tools_of(agent, extra_tools)
        return make_agent(self.client, agent, tools, self.max_steps, **options)

    async def aclose(self) -> None:
        # An HTTP client's connections belong to the runner's loop: closed on it.
        await self.client.close()


Runner = LoopRunner[Scenario]
