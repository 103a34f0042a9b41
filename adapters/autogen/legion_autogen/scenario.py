"""What every pattern module builds from, and what it hands back.

`Scenario` bundles the spec with the AutoGen objects shared by all its agents (one model
client, the catalogue tools, the search_memory tool). `Runner` is the contract's runner: it
owns one asyncio event loop for its lifetime, builds its agents and teams on it (build
time) and runs each scenario run to completion on it (`run_until_complete`), so every run()
reuses the loop rather than paying for a new one.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, TypedDict

from autogen_agentchat.agents import AssistantAgent
from autogen_core.models import ChatCompletionClient
from autogen_core.tools import BaseTool

from legion_common import AgentSpec, own_tools

from .agents import make_agent
from .messages import BridgeMessage


class RunResult(TypedDict, total=False):
    answer: str
    transcripts: list[list[BridgeMessage]]
    metrics: dict[str, float]


@dataclass(frozen=True)
class Scenario:
    spec: dict[str, Any]
    client: ChatCompletionClient  # LegionChatCompletionClient in-process, OpenAI's over HTTP
    catalogue: dict[str, BaseTool[Any, Any]]
    memory_tool: BaseTool[Any, Any] | None

    @property
    def agents(self) -> list[AgentSpec]:
        return self.spec["agents"]

    @property
    def tasks(self) -> list[str]:
        return self.spec["tasks"]

    @property
    def max_steps(self) -> int:
        """LEGION's agent step limit: the scenario's minimum and a margin."""
        return max(10, int(self.spec.get("min_model_calls", 0)) + 16)

    def agent(
        self, agent: AgentSpec, extra_tools: tuple[BaseTool[Any, Any], ...] = (), **options: Any
    ) -> AssistantAgent:
        """The agent with its own tools, then `extra_tools` (LEGION's order)."""
        tools = own_tools(agent, self.catalogue, self.memory_tool) + list(extra_tools)
        return make_agent(self.client, agent, tools, self.max_steps, **options)


class Runner:
    """Owns the event loop; subclasses build in `_build` and run one scenario run in `_run`."""

    def __init__(self, scenario: Scenario) -> None:
        self._loop = asyncio.new_event_loop()
        self._client = scenario.client
        self._loop.run_until_complete(self._build(scenario))

    async def _build(self, scenario: Scenario) -> None:
        raise NotImplementedError

    async def _run(self) -> RunResult:
        raise NotImplementedError

    def run(self) -> RunResult:
        return self._loop.run_until_complete(self._run())

    def close(self) -> None:
        """Finish what AutoGen left scheduled (closing its runs' async generators), then close."""
        try:
            # An HTTP client's connections belong to this loop: close them on it.
            self._loop.run_until_complete(self._client.close())
            self._loop.run_until_complete(_cancel_pending())
            self._loop.run_until_complete(self._loop.shutdown_asyncgens())
        finally:
            self._loop.close()


async def _cancel_pending() -> None:
    pending = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
