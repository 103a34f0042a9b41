"""Fan-out / fan-in: every agent works its own task at once, the answers are joined, one per
line (LEGION's run_fan_out without an aggregator agent): `asyncio.gather` over the agents'
runs, each on its task with `{{input}}` the pipeline input."""

from __future__ import annotations

import asyncio

from .scenario import Runner, RunResult, Scenario


class FanOutRunner(Runner):
    async def _build(self, scenario: Scenario) -> None:
        if len(scenario.tasks) != len(scenario.agents):
            raise ValueError("fan-out: one task per agent is needed")
        self._agents = [scenario.participant(spec) for spec in scenario.agents]
        carried = scenario.pipeline_input
        self._tasks = [task.replace("{{input}}", carried) for task in scenario.tasks]

    async def _run(self) -> RunResult:
        answers = await asyncio.gather(
            *(agent.run(task) for agent, task in zip(self._agents, self._tasks, strict=True))
        )
        return {
            "answer": "\n".join(answers),
            "transcripts": [agent.transcript() for agent in self._agents],
        }
