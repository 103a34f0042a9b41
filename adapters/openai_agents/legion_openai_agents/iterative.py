"""Retry until a checker accepts (iterative_problem_solving), the SDK's judge loop
(agent_patterns/llm_as_a_judge): run the solver, check its final output, and on a rejection
run it again on `result.to_input_list()` plus the checker's feedback as a user message, up to
max_iterations answers. The checker is LEGION's, code rather than a model: the expected answer
passes, anything else gets the scenario's feedback."""

from __future__ import annotations

from typing import Any

from .items import user
from .scenario import Runner, RunResult, Scenario, agent_transcript, answer


class IterativeRunner(Runner):
    async def _build(self, scenario: Scenario) -> None:
        self._max_iterations = scenario.max_iterations
        if self._max_iterations <= 0:
            raise ValueError("iterative: max_iterations must be > 0")
        self._scenario = scenario
        self._spec = scenario.agents[0]
        self._solver = scenario.agent(self._spec)
        self._expected = scenario.expected
        self._feedback = scenario.checker_feedback
        self._task = scenario.tasks[0]

    async def _run(self) -> RunResult:
        conversation: str | list[Any] = self._task
        for attempt in range(1, self._max_iterations + 1):
            result = await self._scenario.run(self._solver, conversation)
            said = answer(result)
            if said == self._expected:
                return {
                    "answer": said,
                    "transcripts": [agent_transcript(self._spec, result)],
                    "metrics": {"iterations": attempt},
                }
            conversation = [*result.to_input_list(), user(self._feedback)]
        raise RuntimeError(
            f"iterative: the checker did not pass within {self._max_iterations} "
            f"iterations (last answer: '{said}')"
        )
