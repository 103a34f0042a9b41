"""What every pattern module builds from, and what it hands back.

`Scenario` bundles the spec with the SDK objects shared by all its agents: one `RunConfig`
(the scripted model through its provider, tracing off), the catalogue tools and the
search_memory tool. `Runner` is the contract's runner: it owns one asyncio event loop for its
lifetime, builds its agents on it and runs each scenario run to completion on it, so every
run() reuses the loop. SDK `Agent`s are configuration, not state: a run's state is its
`RunResult` (or a session), so one agent serves any number of runs, concurrent ones too.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, TypedDict

from agents import Agent, FunctionTool, RunConfig, Runner as SdkRunner, RunResult as SdkResult

from legion_common import AgentSpec, own_tools, system_prompt

from .items import BridgeMessage, transcript


class RunResult(TypedDict, total=False):
    answer: str
    transcripts: list[list[BridgeMessage]]
    metrics: dict[str, float]


@dataclass(frozen=True)
class Scenario:
    spec: dict[str, Any]
    run_config: RunConfig
    catalogue: dict[str, FunctionTool]
    memory_tool: FunctionTool | None
    http_client: Any = None  # over HTTP: the AsyncOpenAI client, closed with the runner

    @property
    def agents(self) -> list[AgentSpec]:
        return self.spec["agents"]

    @property
    def tasks(self) -> list[str]:
        return self.spec["tasks"]

    @property
    def max_turns(self) -> int:
        """LEGION's agent step limit (the SDK's `max_turns` counts model calls of one run)."""
        return max(10, int(self.spec.get("min_model_calls", 0)) + 16)

    def agent(self, spec: AgentSpec, extra_tools: tuple[FunctionTool, ...] = ()) -> Agent[Any]:
        """The agent with LEGION's system prompt, its own tools, then `extra_tools`."""
        tools = own_tools(spec, self.catalogue, self.memory_tool) + list(extra_tools)
        return Agent(name=spec["name"], instructions=system_prompt(spec), tools=tools)

    async def run(self, agent: Agent[Any], input: str | list[Any], **options: Any) -> SdkResult:
        """`Runner.run` with the scenario's model, limits and tracing off."""
        return await SdkRunner.run(
            agent, input, max_turns=self.max_turns, run_config=self.run_config, **options
        )


def agent_transcript(spec: AgentSpec, result: SdkResult) -> list[BridgeMessage]:
    """One agent run: its system prompt, its input and the items the run produced."""
    return transcript(system_prompt(spec), result.to_input_list())


def answer(result: SdkResult) -> str:
    """The run's final output as text."""
    return str(result.final_output)


def model_responses(*results: SdkResult) -> int:
    """The SDK's own count of the model responses its runs received."""
    return sum(len(result.raw_responses) for result in results)


class Runner:
    """Owns the event loop; subclasses build in `_build` and run one scenario run in `_run`."""

    def __init__(self, scenario: Scenario) -> None:
        self._loop = asyncio.new_event_loop()
        self._http_client = scenario.http_client
        self._loop.run_until_complete(self._build(scenario))

    async def _build(self, scenario: Scenario) -> None:
        raise NotImplementedError

    async def _run(self) -> RunResult:
        raise NotImplementedError

    def run(self) -> RunResult:
        return self._loop.run_until_complete(self._run())

    def close(self) -> None:
        try:
            if self._http_client is not None:
                # Its connections belong to this loop: close them on it.
                self._loop.run_until_complete(self._http_client.close())
            self._loop.run_until_complete(self._loop.shutdown_asyncgens())
        finally:
            self._loop.close()
