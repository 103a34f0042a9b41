"""What every pattern module builds from, and what it hands back.

`Scenario` adds to legion_common's (the spec, the catalogue tools, the search_memory tool) the
CrewAI LLM all its agents share; `Runner` and `RunResult` are legion_common's; `Recording`
collects one run's transcripts and the project brief's metrics.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from crewai import Agent
from crewai.tools import BaseTool

import legion_bridge
from legion_common import BridgeMessage, Runner, RunResult, ScenarioBase

from .agents import AgentSpec, make_agent
from .http_llm import RecordingOpenAICompletion
from .llm import LegionLLM
from .transcript import Recorder

__all__ = ["Handoffs", "Recording", "RunResult", "Runner", "Scenario"]


@dataclass(frozen=True)
class Scenario(ScenarioBase[BaseTool]):
    llm: LegionLLM | RecordingOpenAICompletion  # in-process, or over HTTP

    def agent(
        self, agent: AgentSpec, extra_tools: tuple[BaseTool, ...] = (), **options: Any
    ) -> Agent:
        """The agent with its own tools, then `extra_tools` (LEGION's order)."""
        return make_agent(self.llm, agent, self.tools_of(agent, extra_tools), **options)


class Handoffs:
    """The project brief's communication figures: texts one agent hands to another (a delegated
    task and its result, a pipeline stage's answer, a chat turn delivered to each other
    participant), counted and measured in the benchmark's tokens."""

    def __init__(self) -> None:
        self.messages = 0
        self.tokens = 0

    def add(self, text: str, recipients: int = 1) -> None:
        self.messages += recipients
        self.tokens += recipients * legion_bridge.count_tokens(text)

    def metrics(self) -> dict[str, float]:
        return {
            "messages_between_agents": float(self.messages),
            "tokens_between_agents": float(self.tokens),
        }


class Recording:
    """One scenario run on `llm`: the model traffic, rebuilt into agent runs (transcripts)."""

    def __init__(self, llm: LegionLLM | RecordingOpenAICompletion) -> None:
        self.llm = llm
        self.recorder = Recorder()
        self.started = 0.0

    def __enter__(self) -> Recording:
        self.llm.record_into(self.recorder)
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.llm.record_into(None)

    def transcripts(self) -> list[list[BridgeMessage]]:
        return self.recorder.transcripts()

    def distribute_ns(self) -> float:
        """From the run's start until every agent run had sent its first request: the time to
        hand out the work (the project brief's "time to distribute N tasks")."""
        firsts = self.recorder.first_request_times()
        return (max(firsts) - self.started) * 1e9 if firsts else 0.0
