"""A round-robin group chat (team_coordination, multi_turn_conversation) as a LangGraph
`StateGraph`: one node per participant and a router on the turn counter.

The shared state is the list of turns. Each participant speaks from its own view of the
chat, as in LEGION: the task, its own earlier turns as its (AI) messages, everyone else's as
user messages "NAME: TEXT". The chat ends after max_turns turns or on a turn containing
"TERMINATE". A chat with conversation memory (the spec's `conversation_memory`:
multi_turn_conversation) keeps its conversation the LangGraph way, in a checkpointer thread (a
fresh one per run); its participants are compiled with checkpointer=False, as they start from
their view on every turn and keep nothing.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Mapping
from typing import Annotated, Any, TypedDict

from langchain_core.messages import BaseMessage, HumanMessage
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from legion_common import TERMINATE

from .agents import final_answer
from .scenario import Node, RunResult, Scenario
from .transcript import transcript


class Turn(TypedDict):
    speaker: str
    messages: list[BaseMessage]  # what the speaker added to its view: its reply (and tool use)


class ChatState(TypedDict):
    task: str
    turns: Annotated[list[Turn], operator.add]


def view_of(name: str, state: Mapping[str, Any]) -> list[BaseMessage]:
    """The conversation as participant `name` sees it."""
    view: list[BaseMessage] = [HumanMessage(state["task"])]
    for turn in state["turns"]:
        if turn["speaker"] == name:
            view.extend(turn["messages"])
        else:
            speaker = turn["speaker"]
            view.append(HumanMessage(f"{speaker}: {final_answer(turn['messages'])}", name=speaker))
    return view


def participant_node(name: str, agent: CompiledStateGraph) -> Node[ChatState]:
    def speak(state: ChatState) -> dict[str, Any]:
        view = view_of(name, state)
        messages = agent.invoke({"messages": view})["messages"]
        return {"turns": [{"speaker": name, "messages": messages[len(view) :]}]}

    return speak


class GroupChatRunner:
    def __init__(self, scenario: Scenario) -> None:
        names = [agent["name"] for agent in scenario.agents]
        max_turns = scenario.max_turns

        def next_speaker(state: ChatState) -> str:
            turns = state["turns"]
            if len(turns) >= max_turns or TERMINATE in final_answer(turns[-1]["messages"]):
                return END
            return names[len(turns) % len(names)]

        builder = StateGraph(ChatState)
        for agent in scenario.agents:
            builder.add_node(
                agent["name"],
                participant_node(agent["name"], scenario.agent(agent, checkpointer=False)),
            )
            builder.add_conditional_edges(agent["name"], next_speaker, [*names, END])
        builder.add_edge(START, names[0])
        self._names = names
        self._checkpointer = InMemorySaver() if scenario.conversation_memory else None
        self._graph = builder.compile(checkpointer=self._checkpointer)
        self._input: ChatState = {"task": scenario.tasks[0], "turns": []}
        self._threads = itertools.count()
        self._recursion_limit = max_turns + 1

    def run(self) -> RunResult:
        config: RunnableConfig = {"recursion_limit": self._recursion_limit}
        if self._checkpointer is None:
            state = self._graph.invoke(self._input, config)
        else:
            thread = f"conversation-{next(self._threads)}"
            try:
                state = self._graph.invoke(
                    self._input, {**config, "configurable": {"thread_id": thread}}
                )
            finally:
                self._checkpointer.delete_thread(thread)  # runs repeat thousands of times
        return {
            "answer": final_answer(state["turns"][-1]["messages"]),
            "transcripts": [transcript(view_of(name, state)) for name in self._names],
        }

    def close(self) -> None:
        pass
