"""Retry until a checker accepts (iterative_problem_solving): AutoGen's reflection pattern, a
`RoundRobinGroupChat` of the solver (`AssistantAgent`) and a checker (a `BaseChatAgent`
without a model, LEGION's checker: the expected answer passes), ending on the checker's
"APPROVE" (`TextMentionTermination(sources=[checker])`) or after max_iterations answers.

The solver keeps its context across its turns: the task, its attempts, the checker's
feedback as user messages - LEGION's iterative transcript.
"""

from __future__ import annotations

from collections.abc import Sequence

from autogen_agentchat.conditions import TextMentionTermination
from autogen_agentchat.messages import BaseChatMessage
from autogen_agentchat.teams import RoundRobinGroupChat

from .agents import RuleAgent, agent_transcript, last_text
from .scenario import Runner, RunResult, Scenario

APPROVE = "APPROVE"
CHECKER = "checker"


class CheckerAgent(RuleAgent):
    """Approves the expected answer, otherwise replies with the scenario's feedback."""

    def __init__(self, solver: str, expected: str, feedback: str) -> None:
        super().__init__(CHECKER, description="Checks the solver's answer.")
        self._solver = solver
        self._expected = expected
        self._feedback = feedback

    def reply(self, messages: Sequence[BaseChatMessage]) -> str:
        return APPROVE if last_text(messages, {self._solver}) == self._expected else self._feedback


class IterativeRunner(Runner):
    async def _build(self, scenario: Scenario) -> None:
        self._max_iterations = scenario.max_iterations
        if self._max_iterations <= 0:
            raise ValueError("iterative: max_iterations must be > 0")
        self._spec = scenario.agents[0]
        self._solver = scenario.agent(self._spec)
        checker = CheckerAgent(self._spec["name"], scenario.expected, scenario.checker_feedback)
        self._team = RoundRobinGroupChat(
            [self._solver, checker],
            termination_condition=TextMentionTermination(APPROVE, sources=[CHECKER]),
            max_turns=2 * self._max_iterations,
        )
        self._task = scenario.tasks[0]

    async def _run(self) -> RunResult:
        try:
            result = await self._team.run(task=self._task)
            answer = last_text(result, {self._spec["name"]})
            if last_text(result, {CHECKER}) != APPROVE:
                raise RuntimeError(
                    f"iterative: the checker did not pass within {self._max_iterations} "
                    f"iterations (last answer: '{answer}')"
                )
            attempts = sum(1 for m in result.messages if m.source == self._spec["name"])
            return {
                "answer": answer,
                "transcripts": [await agent_transcript(self._solver, self._spec)],
                "metrics": {"iterations": attempts, "messages": len(result.messages)},
            }
        finally:
            await self._team.reset()
