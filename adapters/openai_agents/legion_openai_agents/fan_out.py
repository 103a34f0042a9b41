"""Fan-out / fan-in: every agent works its own task at once (`asyncio.gather` over
`Runner.run`), the answers joined one per line (LEGION's run_fan_out without an aggregator
agent); `{{input}}` in a task is the pipeline input."""

from __future__ import annotations

import asyncio

from .scenario import Runner, RunResult, Scenario, agent_transcript, answer


class FanOutRunner(Runner):
    async def _build(self, scenario: Scenario) -> None:
        if len(scenario.tasks) != len(scenario.agents):
            raise ValueError("fan-out: one task per agent is needed")
        self._scenario = scenario
        self._specs = scenario.agents
        self._agents = [scenario.agent(spec) for spec in self._specs]
        carried = scenario.pipeline_input
        self._tasks = [task.replace("{{input}}", carried) for task in scenario.tasks]

    async def _run(self) -> RunResult:
        results = await asyncio.gather(
            *(self._scenario.run(a, t) for a, t in zip(self._agents, self._tasks, strict=True))
        )
        return {
            "answer": "\n".join(answer(result) for result in results),
            "transcripts": [
                agent_transcript(spec, result)
                for spec, result in zip(self._specs, results, strict=True)
            ],
        }
