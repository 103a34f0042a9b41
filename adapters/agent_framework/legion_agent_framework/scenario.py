"""What every pattern module builds from, and what it hands back.

`Scenario` bundles the spec with the Agent Framework objects shared by all its agents (one
chat client, the catalogue tools, the search_memory tool). `Runner` is the contract's runner:
it owns one asyncio event loop for its lifetime, builds its agents and workflows on it (build
time) and runs each scenario run to completion on it (`run_until_complete`).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, TypedDict

from agent_framework import FunctionTool

from legion_common import AgentSpec

from .agents import Participant, make_agent
from .chat_client import LegionChatClient
from .messages import BridgeMessage


class RunResult(TypedDict, total=False):
    answer: str
    transcripts: list[list[BridgeMessage]]
    metrics: dict[str, float]


@dataclass(frozen=True)
class Scenario:
    spec: dict[str, Any]
    client: LegionChatClient
    catalogue: dict[str, FunctionTool]
    memory_tool: FunctionTool | None

    @property
    def agents(self) -> list[AgentSpec]:
        return self.spec["agents"]

    @property
    def tasks(self) -> list[str]:
        return self.spec["tasks"]

    def participant(
        self, agent: AgentSpec, extra_tools: tuple[FunctionTool, ...] = (), keep: bool = False
    ) -> Participant:
        """The agent with its own tools, then `extra_tools` (LEGION's order); `keep` gives it
        an `AgentSession`, so its conversation carries over between its runs."""
        return Participant(
            make_agent(self.client, agent, self.catalogue, self.memory_tool, extra_tools), agent, keep
        )


class Runner:
    """Owns the event loop; subclasses build in `_build` and run one scenario run in `_run`."""

    def __init__(self, scenario: Scenario) -> None:
        self._loop = asyncio.new_event_loop()
        self._loop.run_until_complete(self._build(scenario))

    async def _build(self, scenario: Scenario) -> None:
        raise NotImplementedError

    async def _run(self) -> RunResult:
        raise NotImplementedError

    def run(self) -> RunResult:
        return self._loop.run_until_complete(self._run())

    def close(self) -> None:
        try:
            self._loop.run_until_complete(_cancel_pending())
            self._loop.run_until_complete(self._loop.shutdown_asyncgens())
        finally:
            self._loop.close()


async def _cancel_pending() -> None:
    pending = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
