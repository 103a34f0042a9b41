"""What every pattern module builds from, and what it hands back.

`Scenario` bundles the spec with the LangChain objects shared by all its agents (one chat
model, the catalogue tools, the search_memory tool); `Runner` is the contract's runner.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, TypedDict

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage
from langchain_core.tools import BaseTool
from langgraph.graph.state import CompiledStateGraph

from .agents import AgentSpec, final_answer, make_agent, own_tools
from .transcript import BridgeMessage, transcript


class RunResult(TypedDict):
    answer: str
    transcripts: list[list[BridgeMessage]]


class Runner(Protocol):
    def run(self) -> RunResult: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Scenario:
    spec: dict[str, Any]
    model: BaseChatModel  # LegionChatModel in-process, ChatOpenAI over HTTP
    catalogue: dict[str, BaseTool]
    memory_tool: BaseTool | None

    @property
    def agents(self) -> list[AgentSpec]:
        return self.spec["agents"]

    @property
    def tasks(self) -> list[str]:
        return self.spec["tasks"]

    def agent(
        self, agent: AgentSpec, extra_tools: tuple[BaseTool, ...] = (), **options: Any
    ) -> CompiledStateGraph:
        """The agent with its own tools, then `extra_tools` (LEGION's order), via create_agent."""
        tools = own_tools(agent, self.catalogue, self.memory_tool) + list(extra_tools)
        return make_agent(self.model, agent, tools, **options)


def task_input(task: str) -> dict[str, list[BaseMessage]]:
    """An agent's input: the task as the user message."""
    return {"messages": [HumanMessage(task)]}


def single_result(messages: list[BaseMessage]) -> RunResult:
    """The result of a pattern with one agent run."""
    return {"answer": final_answer(messages), "transcripts": [transcript(messages)]}
