"""N independent runs of one agent at once on asyncio (concurrent_execution):
`asyncio.gather` over `Agent.akickoff` (native async: the LLM's `acall` awaits the simulated
latency on the loop). The runner owns one event loop for its lifetime."""

from __future__ import annotations

import asyncio

from legion_common import concurrent_answer

from .agents import output_text
from .scenario import Recording, RunResult, Scenario


class ConcurrentRunner:
    def __init__(self, scenario: Scenario) -> None:
        self._agent = scenario.agent(scenario.agents[0])
        self._task = scenario.tasks[0]
        self._runs = scenario.runs_at_once
        self._loop = asyncio.new_event_loop()
        self._llm = scenario.llm

    async def _all(self) -> list:
        return await asyncio.gather(*(self._agent.akickoff(self._task) for _ in range(self._runs)))

    def run(self) -> RunResult:
        with Recording(self._llm) as recording:
            outputs = self._loop.run_until_complete(self._all())
            distribute_ns = recording.distribute_ns()
        return {
            "answer": concurrent_answer(output_text(output) for output in outputs),
            "transcripts": recording.transcripts(),
            "metrics": {"distribute_ns": distribute_ns},
        }

    def close(self) -> None:
        self._loop.close()
