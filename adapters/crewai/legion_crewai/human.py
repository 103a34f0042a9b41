"""Human in the loop (human_in_the_loop): the agent's `ask_human` tool asks through CrewAI's
human-input provider, replaced (`crewai.core.providers.human_input.set_provider`) by one that
answers from the scenario's scripted replies, in order, cycling - never from stdin.

CrewAI's own `Task(human_input=True)` asks for feedback on the final answer (and reruns the
agent when there is any); the scenario's agent asks its questions mid-task, so the provider is
reached from a tool, the way a CrewAI user wires a mid-task question to a person.
"""

from __future__ import annotations

import itertools
from typing import Any

from crewai import Crew, Process, Task
from crewai.core.providers.human_input import (
    SyncHumanInputProvider,
    get_provider,
    reset_provider,
    set_provider,
)
from crewai.tools import BaseTool
from pydantic import BaseModel, Field

from legion_common import ASK_HUMAN_SPEC

from .agents import output_text
from .scenario import Recording, RunResult, Scenario
from .single import EXPECTED_OUTPUT


class ScriptedHumanInput(SyncHumanInputProvider):
    """The provider with its terminal prompt replaced by the scenario's replies."""

    def __init__(self, replies: list[str]) -> None:
        self._replies = replies
        self._next = itertools.cycle(replies)

    def restart(self) -> None:
        self._next = itertools.cycle(self._replies)

    # CrewAI's are staticmethods (a terminal prompt) it calls as self._prompt_input(crew); these
    # read this provider's scripted replies, so they need self: an override mypy cannot accept.
    def _prompt_input(self, crew: Any = None) -> str:  # type: ignore[override]
        return next(self._next)

    async def _prompt_input_async(self, crew: Any = None) -> str:  # type: ignore[override]
        return next(self._next)


class AskHumanArguments(BaseModel):
    question: str = Field(description="the question for the human operator")


class AskHumanTool(BaseTool):
    name: str = "ask_human"
    description: str = ASK_HUMAN_SPEC["description"]
    args_schema: type[BaseModel] = AskHumanArguments

    def _run(self, question: str) -> str:
        provider = get_provider()
        if not isinstance(provider, ScriptedHumanInput):  # never the terminal
            raise RuntimeError("ask_human: the scripted human-input provider is not installed")
        return provider._prompt_input(None)


class HumanRunner:
    def __init__(self, scenario: Scenario) -> None:
        replies: list[str] = scenario.human_replies
        if not replies:
            raise ValueError("human-in-the-loop: no human replies")
        self._human = ScriptedHumanInput(replies)
        agent = scenario.agent(scenario.agents[0], (AskHumanTool(),))
        task = Task(description=scenario.tasks[0], expected_output=EXPECTED_OUTPUT, agent=agent)
        self._crew = Crew(
            agents=[agent], tasks=[task], process=Process.sequential, cache=False, verbose=False
        )
        self._llm = scenario.llm

    def run(self) -> RunResult:
        self._human.restart()
        token = set_provider(self._human)
        try:
            with Recording(self._llm) as recording:
                output = self._crew.kickoff()
        finally:
            reset_provider(token)
        return {"answer": output_text(output), "transcripts": recording.transcripts()}

    def close(self) -> None:
        pass
