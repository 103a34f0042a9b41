"""Voters in parallel and a majority (consensus): an AutoGen `GraphFlow` whose voters are all
entry nodes (they run at once on the team's runtime) with an edge each to a tally node that
waits for all of them (`activation="all"`). The tally is a `BaseChatAgent` without a model:
it counts the votes as LEGION's run_consensus does (more than half, ties to the smallest
option) and says the winner, which is the team's answer.
"""

from __future__ import annotations

from collections.abc import Sequence

from autogen_agentchat.messages import BaseChatMessage
from autogen_agentchat.teams import DiGraphBuilder, GraphFlow

from legion_common import majority, parse_vote

from .agents import RuleAgent, agent_transcript, last_text
from .scenario import Runner, RunResult, Scenario

TALLY = "tally"


class TallyAgent(RuleAgent):
    """Counts the voters' messages it receives; no model call."""

    def __init__(self, voters: Sequence[str]) -> None:
        super().__init__(TALLY, description="Counts the votes and announces the majority.")
        self._voters = set(voters)

    def reply(self, messages: Sequence[BaseChatMessage]) -> str:
        return majority([parse_vote(m.to_text()) for m in messages if m.source in self._voters])


class ConsensusRunner(Runner):
    async def _build(self, scenario: Scenario) -> None:
        self._specs = scenario.agents
        self._voters = [scenario.agent(spec) for spec in self._specs]
        tally = TallyAgent([spec["name"] for spec in self._specs])
        builder = DiGraphBuilder()
        for voter in self._voters:
            builder.add_node(voter)
        builder.add_node(tally, activation="all")
        for voter in self._voters:
            builder.add_edge(voter, tally)
        self._team = GraphFlow([*self._voters, tally], graph=builder.build())
        self._question = scenario.tasks[0]

    async def _run(self) -> RunResult:
        try:
            result = await self._team.run(task=self._question)
            return {
                "answer": last_text(result, {TALLY}),
                "transcripts": [
                    await agent_transcript(voter, spec)
                    for voter, spec in zip(self._voters, self._specs, strict=True)
                ],
                "metrics": {"messages": len(result.messages)},
            }
        finally:
            await self._team.reset()
