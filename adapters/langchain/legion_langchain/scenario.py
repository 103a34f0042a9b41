"""What every pattern module builds from, and what it hands back.

`Scenario` adds to legion_common's (the spec, the catalogue tools, the search_memory tool) the
LangChain chat model all its agents share; `Runner` and `RunResult` are legion_common's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage
from langchain_core.tools import BaseTool
from langgraph.graph.state import CompiledStateGraph

from legion_common import Runner, RunResult, ScenarioBase

from .agents import AgentSpec, final_answer, make_agent
from .transcript import transcript

__all__ = ["Node", "RunResult", "Runner", "Scenario", "single_result", "task_input"]

State = TypeVar("State", contravariant=True)


class Node(Protocol[State]):
    """A graph node as `StateGraph.add_node` takes it: a function of the state (by that name)."""

    def __call__(self, state: State) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Scenario(ScenarioBase[BaseTool]):
    model: BaseChatModel  # LegionChatModel in-process, ChatOpenAI over HTTP

    def agent(
        self, agent: AgentSpec, extra_tools: tuple[BaseTool, ...] = (), **options: Any
    ) -> CompiledStateGraph:
        """The agent with its own tools, then `extra_tools` (LEGION's order), via create_agent."""
        return make_agent(self.model, agent, self.tools_of(agent, extra_tools), **options)


def task_input(task: str) -> dict[str, list[BaseMessage]]:
    """An agent's input: the task as the user message."""
    return {"messages": [HumanMessage(task)]}


def single_result(messages: list[BaseMessage]) -> RunResult:
    """The result of a pattern with one agent run."""
    return {"answer": final_answer(messages), "transcripts": [transcript(messages)]}
