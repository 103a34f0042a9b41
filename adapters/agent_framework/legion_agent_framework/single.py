"""One agent with its tools (simple_task, tool_overhead, large_context_retrieval): an
`Agent` run on the task. Its chat client's function-invocation loop calls the model, runs the
requested tools and calls the model again while the model asks for tools, as LEGION's agent
loop does. No session: every run starts afresh.
"""

from __future__ import annotations

from .scenario import Runner, RunResult, Scenario


class SingleRunner(Runner):
    async def _build(self, scenario: Scenario) -> None:
        self._agent = scenario.participant(scenario.agents[0])
        self._task = scenario.tasks[0]

    async def _run(self) -> RunResult:
        answer = await self._agent.run(self._task)
        return {"answer": answer, "transcripts": [self._agent.transcript()]}
