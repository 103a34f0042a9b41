"""Human in the loop (human_in_the_loop): the agent asks through its `ask_human` function
tool (LEGION's schema, {"question"}); the tool hands the question to a scripted human input
function that answers with the scenario's replies, in order, cycling - an async input
function, as a chat front end would supply. The round trip of each question is reported
(`human_round_trip_ns`).

Not used: the framework's pausing paths (a declaration-only tool or an approval request
ending the run with a user-input request, a workflow `request_info` answered by a second
`workflow.run(responses=...)`): they end and resume the agent run around each question, which
is a different shape of run than LEGION's agent, whose tool call waits for the reply.
"""

from __future__ import annotations

import itertools
import time

from legion_common import ASK_HUMAN_SPEC

from .scenario import Runner, RunResult, Scenario
from .tools import schema_tool


class HumanRunner(Runner):
    async def _build(self, scenario: Scenario) -> None:
        self._replies: list[str] = scenario.spec["human_replies"]
        if not self._replies:
            raise ValueError("human-in-the-loop: no human replies")
        self._next = itertools.cycle(self._replies)
        self._agent = scenario.participant(scenario.agents[0], (schema_tool(ASK_HUMAN_SPEC, self._ask),))
        self._task = scenario.tasks[0]
        self._asked = 0
        self._round_trip_ns = 0

    async def _input(self, question: str) -> str:
        return next(self._next)

    async def _ask(self, question: str) -> str:
        started = time.perf_counter_ns()
        reply = await self._input(question)
        self._round_trip_ns += time.perf_counter_ns() - started
        self._asked += 1
        return reply

    async def _run(self) -> RunResult:
        self._next = itertools.cycle(self._replies)  # every run hears the same replies
        self._asked = 0
        self._round_trip_ns = 0
        answer = await self._agent.run(self._task)
        return {
            "answer": answer,
            "transcripts": [self._agent.transcript()],
            "metrics": {
                "human_asks": self._asked,
                "human_round_trip_ns": self._round_trip_ns / max(self._asked, 1),
            },
        }
