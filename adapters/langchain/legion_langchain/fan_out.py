"""Fan-out / fan-in: every agent works its own task at once, the answers are joined, one per
line (LEGION's run_fan_out without an aggregator agent). LangGraph `Send` to one branch node
per agent, then a join node."""

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict

from langchain_core.messages import BaseMessage
from langgraph.graph import END, START, StateGraph
from langgraph.types import Send

from .agents import final_answer
from .scenario import RunResult, Scenario, task_input
from .transcript import transcript


class Branch(TypedDict):
    index: int
    messages: list[BaseMessage]


class BranchInput(TypedDict):
    index: int
    input: str


class FanOutState(TypedDict):
    input: str
    branches: Annotated[list[Branch], operator.add]
    answer: str


class FanOutRunner:
    def __init__(self, scenario: Scenario) -> None:
        agents = [scenario.agent(agent) for agent in scenario.agents]
        templates = scenario.tasks
        if len(templates) != len(agents):
            raise ValueError("fan-out: one task per agent is needed")

        def fan_out(state: FanOutState) -> list[Send]:
            return [
                Send("branch", {"index": i, "input": state["input"]}) for i in range(len(agents))
            ]

        def branch(state: BranchInput) -> dict[str, Any]:  # a `Send`'s payload
            i = state["index"]
            messages = agents[i].invoke(
                task_input(templates[i].replace("{{input}}", state["input"]))
            )["messages"]
            return {"branches": [{"index": i, "messages": messages}]}

        def join(state: FanOutState) -> dict[str, Any]:
            ordered = sorted(state["branches"], key=lambda b: b["index"])
            return {"answer": "\n".join(final_answer(b["messages"]) for b in ordered)}

        builder = StateGraph(FanOutState)
        builder.add_node("branch", branch)
        builder.add_node("join", join)
        builder.add_conditional_edges(START, fan_out, ["branch"])
        builder.add_edge("branch", "join")
        builder.add_edge("join", END)
        self._graph = builder.compile()
        self._input: FanOutState = {
            "input": scenario.pipeline_input,
            "branches": [],
            "answer": "",
        }

    def run(self) -> RunResult:
        state = self._graph.invoke(self._input)
        ordered = sorted(state["branches"], key=lambda b: b["index"])
        return {
            "answer": state["answer"],
            "transcripts": [transcript(b["messages"]) for b in ordered],
        }

    def close(self) -> None:
        pass
