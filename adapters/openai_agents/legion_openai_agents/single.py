"""One agent with its tools, `Runner.run` on the task (simple_task, tool_overhead,
large_context_retrieval): the SDK's agent loop calls the model, runs the tools it asks for
and calls it again until it answers in text, as LEGION's agent does."""

from __future__ import annotations

from .scenario import Runner, RunResult, Scenario, agent_transcript, answer


class SingleRunner(Runner):
    async def _build(self, scenario: Scenario) -> None:
        self._scenario = scenario
        self._spec = scenario.agents[0]
        self._agent = scenario.agent(self._spec)
        self._task = scenario.tasks[0]

    async def _run(self) -> RunResult:
        result = await self._scenario.run(self._agent, self._task)
        return {"answer": answer(result), "transcripts": [agent_transcript(self._spec, result)]}
