"""A sequential pipeline as a LangGraph `StateGraph`: START -> stage 1 -> ... -> END
(multi_agent_workflow). Each node is its own agent; `{{input}}` in a stage's task is the
previous stage's answer (the first stage's is the pipeline input), as in LEGION."""

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict

from langchain_core.messages import BaseMessage
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from .agents import final_answer
from .scenario import Node, RunResult, Scenario, task_input
from .transcript import transcript


class PipelineState(TypedDict):
    carried: str
    runs: Annotated[list[list[BaseMessage]], operator.add]


def stage_node(agent: CompiledStateGraph, template: str) -> Node[PipelineState]:
    def stage(state: PipelineState) -> dict[str, Any]:
        messages = agent.invoke(task_input(template.replace("{{input}}", state["carried"])))[
            "messages"
        ]
        return {"carried": final_answer(messages), "runs": [messages]}

    return stage


class PipelineRunner:
    def __init__(self, scenario: Scenario) -> None:
        builder = StateGraph(PipelineState)
        previous = START
        for agent, template in zip(scenario.agents, scenario.tasks, strict=True):
            builder.add_node(agent["name"], stage_node(scenario.agent(agent), template))
            builder.add_edge(previous, agent["name"])
            previous = agent["name"]
        builder.add_edge(previous, END)
        self._graph = builder.compile()
        self._input: PipelineState = {
            "carried": scenario.pipeline_input,
            "runs": [],
        }

    def run(self) -> RunResult:
        state = self._graph.invoke(self._input)
        return {
            "answer": state["carried"],
            "transcripts": [transcript(run) for run in state["runs"]],
        }

    def close(self) -> None:
        pass
