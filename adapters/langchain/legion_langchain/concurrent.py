"""N independent runs of one agent at once on asyncio (concurrent_execution).

`asyncio.gather` over `ainvoke` is how LangChain runs agents concurrently; the runner owns
one event loop for its lifetime, so every run() reuses it rather than paying for a new loop.
"""

from __future__ import annotations

import asyncio

from legion_common import concurrent_answer

from .agents import final_answer
from .scenario import RunResult, Scenario, task_input
from .transcript import transcript


class ConcurrentRunner:
    def __init__(self, scenario: Scenario) -> None:
        self._agent = scenario.agent(scenario.agents[0])
        self._task = scenario.tasks[0]
        self._runs = scenario.runs_at_once
        self._loop = asyncio.new_event_loop()

    async def _all(self) -> list[dict]:
        return await asyncio.gather(
            *(self._agent.ainvoke(task_input(self._task)) for _ in range(self._runs))
        )

    def run(self) -> RunResult:
        states = self._loop.run_until_complete(self._all())
        answers = [final_answer(state["messages"]) for state in states]
        return {
            "answer": concurrent_answer(answers),
            "transcripts": [transcript(state["messages"]) for state in states],
        }

    def close(self) -> None:
        self._loop.close()
