"""Retry until a checker accepts (iterative_problem_solving): a CrewAI `Flow` that loops
solve -> check -> solve ..., the solver an `Agent` kicked off with its conversation so far
(`Agent.kickoff(messages)`: the task, its earlier answers, the checker's feedback), as
LEGION's run_iterative keeps one conversation."""

from __future__ import annotations

from typing import Any

from crewai import Agent
from crewai.flow.flow import Flow, listen, or_, router, start
from pydantic import BaseModel, Field, PrivateAttr

from .agents import QUIET, output_text
from .scenario import Recording, RunResult, Scenario
from .transcript import session


class Attempts(BaseModel):
    messages: list[dict[str, Any]] = Field(default_factory=list)
    answer: str = ""
    iteration: int = 0


class RetryFlow(Flow[Attempts]):
    _solver: Any = PrivateAttr(default=None)
    _task: Any = PrivateAttr(default=None)
    _expected: Any = PrivateAttr(default=None)
    _feedback: Any = PrivateAttr(default=None)
    _max_iterations: Any = PrivateAttr(default=None)

    def __init__(
        self, solver: Agent, task: str, expected: str, feedback: str, max_iterations: int
    ) -> None:
        super().__init__(suppress_flow_events=QUIET)
        self._solver = solver
        self._task = task
        self._expected = expected
        self._feedback = feedback
        self._max_iterations = max_iterations

    @start()
    def begin(self) -> None:
        self.state.messages = [{"role": "user", "content": self._task}]

    @listen(or_(begin, "retry"))
    def solve(self) -> None:
        self.state.iteration += 1
        with session("solver"):
            self.state.answer = output_text(self._solver.kickoff(list(self.state.messages)))
        self.state.messages.append({"role": "assistant", "content": self.state.answer})

    @router(solve)
    def check(self) -> str:
        if self.state.answer == self._expected:
            return "passed"
        if self.state.iteration >= self._max_iterations:
            raise RuntimeError(
                f"iterative: the checker did not pass within {self._max_iterations} iterations "
                f"(last answer: '{self.state.answer}')"
            )
        self.state.messages.append({"role": "user", "content": self._feedback})
        return "retry"

    @listen("passed")
    def done(self) -> str:
        return self.state.answer


class IterativeRunner:
    def __init__(self, scenario: Scenario) -> None:
        self._solver = scenario.agent(scenario.agents[0])
        self._args = (
            scenario.tasks[0],
            scenario.expected,
            scenario.checker_feedback,
            scenario.max_iterations,
        )
        if self._args[3] <= 0:
            raise ValueError("iterative: max_iterations must be > 0")
        self._llm = scenario.llm

    def run(self) -> RunResult:
        flow = RetryFlow(self._solver, *self._args)
        with Recording(self._llm) as recording:
            answer = flow.kickoff()
        return {"answer": str(answer), "transcripts": recording.transcripts()}

    def close(self) -> None:
        pass
