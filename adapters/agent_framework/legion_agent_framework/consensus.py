"""Voters in parallel and a majority (consensus): an Agent Framework workflow that fans the
question out to one executor per voter (`add_fan_out_edges`; they run in the same superstep,
at once) and fans their votes in to a tally executor (`add_fan_in_edges`, which receives
the list of votes once all have arrived). The tally makes no model call: it counts as LEGION's
run_consensus does (more than half, ties to the smallest option) and yields the winner.
"""

# No `from __future__ import annotations`: the workflow reads the handlers' type hints.

from agent_framework import Executor, WorkflowBuilder, WorkflowContext, handler

from legion_common import majority, parse_vote

from .scenario import Runner, RunResult, Scenario
from .workflows import ParticipantExecutor, run_to_output


class Dispatch(Executor):
    @handler
    async def ask(self, question: str, ctx: WorkflowContext[str]) -> None:
        await ctx.send_message(question)


class Voter(ParticipantExecutor):
    @handler
    async def vote(self, question: str, ctx: WorkflowContext[str]) -> None:
        await ctx.send_message(parse_vote(await self.participant.run(question)))


class Tally(Executor):
    @handler
    async def count(self, votes: list[str], ctx: WorkflowContext[None, str]) -> None:
        await ctx.yield_output(majority(votes))


class ConsensusRunner(Runner):
    async def _build(self, scenario: Scenario) -> None:
        dispatch = Dispatch(id="question")
        self._voters = [Voter(scenario.participant(spec)) for spec in scenario.agents]
        tally = Tally(id="tally")
        self._workflow = (
            WorkflowBuilder(start_executor=dispatch)
            .add_fan_out_edges(dispatch, self._voters)
            .add_fan_in_edges(self._voters, tally)
            .build()
        )
        self._question = scenario.tasks[0]

    async def _run(self) -> RunResult:
        answer = await run_to_output(self._workflow, self._question, "consensus")
        return {
            "answer": answer,
            "transcripts": [voter.participant.transcript() for voter in self._voters],
        }
