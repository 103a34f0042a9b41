"""A sequential pipeline (multi_agent_workflow), the SDK's deterministic flow: one `Agent`
per stage, `Runner.run` after `Runner.run`, each stage's input its task with the previous
stage's final output where the task says `{{input}}` (the first stage gets the pipeline
input) - LEGION's pipeline exactly."""

from __future__ import annotations

from .scenario import Runner, RunResult, Scenario, agent_transcript, answer


class PipelineRunner(Runner):
    async def _build(self, scenario: Scenario) -> None:
        if len(scenario.tasks) != len(scenario.agents):
            raise ValueError("pipeline: one task per stage is needed")
        self._scenario = scenario
        self._specs = scenario.agents
        self._agents = [scenario.agent(spec) for spec in self._specs]
        self._input = scenario.pipeline_input

    async def _run(self) -> RunResult:
        carried = self._input
        transcripts = []
        for agent, spec, task in zip(self._agents, self._specs, self._scenario.tasks, strict=True):
            result = await self._scenario.run(agent, task.replace("{{input}}", carried))
            carried = answer(result)
            transcripts.append(agent_transcript(spec, result))
        return {"answer": carried, "transcripts": transcripts}
