"""N independent runs at once on asyncio (concurrent_execution): `asyncio.gather` over N
`Runner.run` calls of one `Agent` on the runner's event loop. An SDK agent holds no run
state, so one agent serves every concurrent run (each run's state is its own `RunResult`)."""

from __future__ import annotations

import asyncio

from legion_common import concurrent_answer

from .scenario import Runner, RunResult, Scenario, agent_transcript, answer


class ConcurrentRunner(Runner):
    async def _build(self, scenario: Scenario) -> None:
        self._scenario = scenario
        self._spec = scenario.agents[0]
        self._agent = scenario.agent(self._spec)
        self._runs = int(scenario.spec["runs_at_once"])
        self._task = scenario.tasks[0]

    async def _run(self) -> RunResult:
        results = await asyncio.gather(
            *(self._scenario.run(self._agent, self._task) for _ in range(self._runs))
        )
        return {
            "answer": concurrent_answer(answer(result) for result in results),
            "transcripts": [agent_transcript(self._spec, result) for result in results],
        }
