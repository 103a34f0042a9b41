"""Voters in parallel and a majority (consensus), the SDK's parallelization pattern:
`asyncio.gather` over the voters' `Runner.run` on the question, then the votes are counted in
code as LEGION's run_consensus does (more than half, ties to the smallest option); the
winner is the answer. No tally agent: counting is not a model call."""

from __future__ import annotations

import asyncio

from legion_common import majority, parse_vote

from .scenario import Runner, RunResult, Scenario, agent_transcript, answer


class ConsensusRunner(Runner):
    async def _build(self, scenario: Scenario) -> None:
        self._specs = scenario.agents
        self._voters = [scenario.agent(spec) for spec in self._specs]
        self._question = scenario.tasks[0]

    async def _run(self) -> RunResult:
        results = await asyncio.gather(
            *(self._scenario.run(voter, self._question) for voter in self._voters)
        )
        return {
            "answer": majority([parse_vote(answer(result)) for result in results]),
            "transcripts": [
                agent_transcript(spec, result)
                for spec, result in zip(self._specs, results, strict=True)
            ],
        }
