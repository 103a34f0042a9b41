"""Retry until a checker accepts (iterative_problem_solving): an Agent Framework workflow
with a loop, solver -> checker -> solver ... The solver executor runs its `Agent` in an
`AgentSession` (it keeps the task, its attempts and the feedback - LEGION's iterative
transcript); the checker executor makes no model call: the expected answer passes and ends
the workflow with it as output, anything else goes back as the scenario's feedback, until
max_iterations answers.
"""

# No `from __future__ import annotations`: the workflow reads the handlers' type hints.

from dataclasses import dataclass

from agent_framework import Executor, Message, WorkflowBuilder, WorkflowContext, handler

from .scenario import Runner, RunResult, Scenario
from .workflows import ParticipantExecutor, run_to_output

CHECKER = "checker"


@dataclass
class Attempt:
    answer: str


@dataclass
class Feedback:
    text: str


class Solver(ParticipantExecutor):
    @handler
    async def solve(self, task: str, ctx: WorkflowContext[Attempt]) -> None:
        self.participant.reset()
        await ctx.send_message(Attempt(await self.participant.run(task)))

    @handler
    async def retry(self, feedback: Feedback, ctx: WorkflowContext[Attempt]) -> None:
        heard = Message("user", [feedback.text], author_name=CHECKER)
        await ctx.send_message(Attempt(await self.participant.run(heard)))


class Checker(Executor):
    def __init__(self, expected: str, feedback: str, max_iterations: int) -> None:
        super().__init__(id=CHECKER)
        self._expected = expected
        self._feedback = feedback
        self._max_iterations = max_iterations
        self.attempts = 0

    @handler
    async def check(self, attempt: Attempt, ctx: WorkflowContext[Feedback, str]) -> None:
        self.attempts += 1
        if attempt.answer == self._expected:
            await ctx.yield_output(attempt.answer)
        elif self.attempts >= self._max_iterations:
            raise RuntimeError(
                f"iterative: the checker did not pass within {self._max_iterations} "
                f"iterations (last answer: '{attempt.answer}')"
            )
        else:
            await ctx.send_message(Feedback(self._feedback))


class IterativeRunner(Runner):
    async def _build(self, scenario: Scenario) -> None:
        max_iterations = scenario.max_iterations
        if max_iterations <= 0:
            raise ValueError("iterative: max_iterations must be > 0")
        self._solver = Solver(scenario.participant(scenario.agents[0], keep=True))
        self._checker = Checker(scenario.expected, scenario.checker_feedback, max_iterations)
        self._workflow = (
            WorkflowBuilder(start_executor=self._solver, max_iterations=2 * max_iterations + 2)
            .add_edge(self._solver, self._checker)
            .add_edge(self._checker, self._solver)
            .build()
        )
        self._task = scenario.tasks[0]

    async def _run(self) -> RunResult:
        self._checker.attempts = 0
        answer = await run_to_output(self._workflow, self._task, "iterative")
        return {
            "answer": answer,
            "transcripts": [self._solver.participant.transcript()],
            "metrics": {"iterations": self._checker.attempts},
        }
