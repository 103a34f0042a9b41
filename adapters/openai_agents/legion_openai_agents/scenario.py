"""What every pattern module builds from, and what it hands back.

`Scenario` adds to legion_common's (the spec, the catalogue tools, the search_memory tool) the
SDK objects all its agents share: one `RunConfig` (the scripted model through its provider,
tracing off) and, over HTTP, the client. `Runner` is legion_common's `LoopRunner`: one asyncio
event loop for the runner's lifetime, its agents built on it, every run() run to completion
on it. SDK `Agent`s are configuration, not state: a run's state is its
`RunResult` (or a session), so one agent serves any number of runs, concurrent ones too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agents import Agent, FunctionTool, RunConfig, Tool
from agents import Runner as SdkRunner
from agents import RunResult as SdkResult

from legion_common import AgentSpec, LoopRunner, RunResult, ScenarioBase, system_prompt

from .items import BridgeMessage, transcript

__all__ = ["RunResult", "Runner", "Scenario", "agent_transcript", "answer", "model_responses"]


@dataclass(frozen=True)
class Scenario(ScenarioBase[FunctionTool]):
    run_config: RunConfig
    http_client: Any = None  # over HTTP: the AsyncOpenAI client, closed with the runner

    def agent(self, spec: AgentSpec, extra_tools: tuple[FunctionTool, ...] = ()) -> Agent[Any]:
        """The agent with LEGION's system prompt, its own tools, then `extra_tools`."""
        tools: list[Tool] = list(self.tools_of(spec, extra_tools))
        return Agent(name=spec["name"], instructions=system_prompt(spec), tools=tools)

    async def run(self, agent: Agent[Any], input: str | list[Any], **options: Any) -> SdkResult:
        """`Runner.run` with the scenario's model, limits and tracing off; the SDK's
        `max_turns` counts model calls of one run: LEGION's agent step limit."""
        return await SdkRunner.run(
            agent, input, max_turns=self.max_steps, run_config=self.run_config, **options
        )

    async def aclose(self) -> None:
        if self.http_client is not None:
            # Its connections belong to the runner's loop: closed on it.
            await self.http_client.close()


Runner = LoopRunner[Scenario]


def agent_transcript(spec: AgentSpec, result: SdkResult) -> list[BridgeMessage]:
    """One agent run: its system prompt, its input and the items the run produced."""
    return transcript(system_prompt(spec), result.to_input_list())


def answer(result: SdkResult) -> str:
    """The run's final output as text."""
    return str(result.final_output)


def model_responses(*results: SdkResult) -> int:
    """The SDK's own count of the model responses its runs received."""
    return sum(len(result.raw_responses) for result in results)
