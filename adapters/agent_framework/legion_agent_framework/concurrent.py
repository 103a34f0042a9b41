"""N independent runs at once on asyncio (concurrent_execution): `asyncio.gather` over N
`Agent.run` calls on the runner's event loop. An `Agent` without a session holds no
conversation state, but the runs' records are kept apart, so there is one agent per
concurrent run, built at build time; they share the stateless chat client.
"""

from __future__ import annotations

import asyncio

from legion_common import concurrent_answer

from .scenario import Runner, RunResult, Scenario


class ConcurrentRunner(Runner):
    async def _build(self, scenario: Scenario) -> None:
        runs = scenario.runs_at_once
        self._agents = [scenario.participant(scenario.agents[0]) for _ in range(runs)]
        self._task = scenario.tasks[0]

    async def _run(self) -> RunResult:
        answers = await asyncio.gather(*(agent.run(self._task) for agent in self._agents))
        return {
            "answer": concurrent_answer(answers),
            "transcripts": [agent.transcript() for agent in self._agents],
        }
