"""Voters in parallel and a majority (consensus): LangGraph `Send` fan-out to one voter node
per agent, then an aggregator node that counts the votes as LEGION's run_consensus does.

The voter branches of one superstep run concurrently on LangGraph's executor.
"""

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict

from langchain_core.messages import BaseMessage
from langgraph.graph import END, START, StateGraph
from langgraph.types import Send

from legion_common import majority, parse_vote

from .agents import final_answer
from .scenario import RunResult, Scenario, task_input
from .transcript import transcript


class Ballot(TypedDict):
    index: int
    messages: list[BaseMessage]


class VoterInput(TypedDict):
    index: int
    question: str


class ConsensusState(TypedDict):
    question: str
    ballots: Annotated[list[Ballot], operator.add]
    answer: str


class ConsensusRunner:
    def __init__(self, scenario: Scenario) -> None:
        voters = [scenario.agent(agent) for agent in scenario.agents]

        def fan_out(state: ConsensusState) -> list[Send]:
            return [
                Send("vote", {"index": i, "question": state["question"]})
                for i in range(len(voters))
            ]

        def vote(state: VoterInput) -> dict[str, Any]:  # a `Send`'s payload
            messages = voters[state["index"]].invoke(task_input(state["question"]))["messages"]
            return {"ballots": [{"index": state["index"], "messages": messages}]}

        def tally(state: ConsensusState) -> dict[str, Any]:
            ballots = sorted(state["ballots"], key=lambda ballot: ballot["index"])
            return {"answer": majority([parse_vote(final_answer(b["messages"])) for b in ballots])}

        builder = StateGraph(ConsensusState)
        builder.add_node("vote", vote)
        builder.add_node("tally", tally)
        builder.add_conditional_edges(START, fan_out, ["vote"])
        builder.add_edge("vote", "tally")
        builder.add_edge("tally", END)
        self._graph = builder.compile()
        self._input: ConsensusState = {"question": scenario.tasks[0], "ballots": [], "answer": ""}

    def run(self) -> RunResult:
        state = self._graph.invoke(self._input)
        ballots = sorted(state["ballots"], key=lambda ballot: ballot["index"])
        return {
            "answer": state["answer"],
            "transcripts": [transcript(b["messages"]) for b in ballots],
        }

    def close(self) -> None:
        pass
