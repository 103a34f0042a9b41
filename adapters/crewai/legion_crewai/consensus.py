"""Voters in parallel and a majority (consensus): a CrewAI `Flow` whose start step fans the
question out to every voter agent at once (`asyncio.gather` over `Agent.akickoff`) and whose
listener tallies the ballots as LEGION's run_consensus does."""

from __future__ import annotations

import asyncio
from typing import Any

from crewai import Agent
from crewai.flow.flow import Flow, listen, start
from pydantic import BaseModel, Field, PrivateAttr

from legion_common import majority, parse_vote

from .agents import QUIET, output_text
from .scenario import Handoffs, Recording, RunResult, Scenario


class Ballots(BaseModel):
    answers: list[str] = Field(default_factory=list)


class ConsensusFlow(Flow[Ballots]):
    _voters: Any = PrivateAttr(default=None)
    _question: Any = PrivateAttr(default=None)

    def __init__(self, voters: list[Agent], question: str) -> None:
        super().__init__(suppress_flow_events=QUIET)
        self._voters = voters
        self._question = question

    @start()
    async def vote(self) -> None:
        outputs = await asyncio.gather(*(voter.akickoff(self._question) for voter in self._voters))
        self.state.answers = [output_text(output) for output in outputs]

    @listen(vote)
    def tally(self) -> str:
        return majority([parse_vote(answer) for answer in self.state.answers])


class ConsensusRunner:
    def __init__(self, scenario: Scenario) -> None:
        self._voters = [scenario.agent(agent) for agent in scenario.agents]
        self._question = scenario.tasks[0]
        self._llm = scenario.llm

    def run(self) -> RunResult:
        flow = ConsensusFlow(self._voters, self._question)
        with Recording(self._llm) as recording:
            answer = flow.kickoff()
            distribute_ns = recording.distribute_ns()
        handoffs = Handoffs()
        for ballot in flow.state.answers:
            handoffs.add(self._question)  # out to the voter
            handoffs.add(ballot)  # back to the tally
        transcripts = recording.transcripts()
        # Voters in LEGION's order (by agent), not in the order their first request landed.
        order = {voter.role: i for i, voter in enumerate(self._voters)}
        runs = sorted(
            zip(recording.recorder.agents(), transcripts, strict=True),
            key=lambda run: order.get(run[0], 0),
        )
        return {
            "answer": str(answer),
            "transcripts": [t for _, t in runs],
            "metrics": {**handoffs.metrics(), "distribute_ns": distribute_ns},
        }

    def close(self) -> None:
        pass
