"""Human in the loop (human_in_the_loop): the agent asks through its `ask_human` function
tool (LEGION's schema, {"question"}), whose body awaits the answer from a human-input
provider - here `ScriptedHuman`, the scenario's replies in order, cycling, as a chat front end
would supply them asynchronously. The SDK's own human-in-the-loop mechanism, tool approval
(`needs_approval` and interruptions), says yes or no to a call; it cannot carry an answer
text, which this scenario's human gives. Each question's round trip through the provider is
reported (`human_round_trip_ns`).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Mapping
from typing import Any

from legion_common import ASK_HUMAN_SPEC

from .scenario import Runner, RunResult, Scenario, agent_transcript, answer
from .tools import schema_tool


class ScriptedHuman:
    """Answers questions with the scripted replies, in order, cycling."""

    def __init__(self, replies: list[str]) -> None:
        if not replies:
            raise ValueError("human-in-the-loop: no human replies")
        self._replies = replies
        self.restart()

    def restart(self) -> None:
        self._next = itertools.cycle(self._replies)

    async def ask(self, question: str) -> str:
        return next(self._next)


class HumanRunner(Runner):
    async def _build(self, scenario: Scenario) -> None:
        self._scenario = scenario
        self._human = ScriptedHuman(scenario.human_replies)
        self._spec = scenario.agents[0]
        self._agent = scenario.agent(self._spec, (schema_tool(ASK_HUMAN_SPEC, self._ask),))
        self._task = scenario.tasks[0]
        self._asked = 0
        self._round_trip_ns = 0

    async def _ask(self, arguments: Mapping[str, Any]) -> str:
        started = time.perf_counter_ns()
        reply = await self._human.ask(arguments["question"])
        self._round_trip_ns += time.perf_counter_ns() - started
        self._asked += 1
        return reply

    async def _run(self) -> RunResult:
        self._human.restart()  # every run hears the same replies
        self._asked = 0
        self._round_trip_ns = 0
        result = await self._scenario.run(self._agent, self._task)
        return {
            "answer": answer(result),
            "transcripts": [agent_transcript(self._spec, result)],
            "metrics": {
                "human_asks": self._asked,
                "human_round_trip_ns": self._round_trip_ns / max(self._asked, 1),
            },
        }
