"""Fan-out / fan-in: every agent works its own task at once, the answers are joined, one per
line (LEGION's run_fan_out without an aggregator agent): `asyncio.gather` over the agents'
`run()`, each on its task with `{{input}}` the pipeline input."""

from __future__ import annotations

import asyncio

from autogen_core import CancellationToken

from .agents import agent_transcript, last_text
from .scenario import Runner, RunResult, Scenario


class FanOutRunner(Runner):
    async def _build(self, scenario: Scenario) -> None:
        if len(scenario.tasks) != len(scenario.agents):
            raise ValueError("fan-out: one task per agent is needed")
        self._specs = scenario.agents
        self._agents = [scenario.agent(spec) for spec in self._specs]
        carried = scenario.pipeline_input
        self._tasks = [task.replace("{{input}}", carried) for task in scenario.tasks]

    async def _run(self) -> RunResult:
        try:
            results = await asyncio.gather(
                *(
                    agent.run(task=task)
                    for agent, task in zip(self._agents, self._tasks, strict=True)
                )
            )
            return {
                "answer": "\n".join(
                    last_text(result, {spec["name"]})
                    for result, spec in zip(results, self._specs, strict=True)
                ),
                "transcripts": [
                    await agent_transcript(agent, spec)
                    for agent, spec in zip(self._agents, self._specs, strict=True)
                ],
            }
        finally:
            token = CancellationToken()
            await asyncio.gather(*(agent.on_reset(token) for agent in self._agents))
