"""A manager that delegates to workers (hierarchical): the supervisor idiom of LangChain 1.x,
workers as a tool of the manager agent.

The manager is a `create_agent` graph with one `delegate` tool ({"worker", "task"}, LEGION's
schema); the tool runs the named worker's own agent on the task and returns its answer. The
worker's run travels in the manager's graph state (a `Command` update from the tool), so the
runner reads the delegations, in order, from the result of the one invoke.
"""

from __future__ import annotations

import operator
from typing import Annotated

from langchain.agents import AgentState
from langchain_core.messages import BaseMessage, ToolMessage
from langchain_core.tools import BaseTool, InjectedToolCallId, tool
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command

from .agents import final_answer
from .scenario import RunResult, Scenario, task_input
from .transcript import transcript


class ManagerState(AgentState):
    delegations: Annotated[list[list[BaseMessage]], operator.add]


def delegate_tool(workers: dict[str, CompiledStateGraph]) -> BaseTool:
    @tool
    def delegate(
        worker: str, task: str, tool_call_id: Annotated[str, InjectedToolCallId]
    ) -> Command:
        """Delegate a task to a worker and return the worker's answer."""
        if worker not in workers:
            raise ValueError(f"unknown worker '{worker}'")
        messages = workers[worker].invoke(task_input(task))["messages"]
        answer = ToolMessage(final_answer(messages), tool_call_id=tool_call_id, name="delegate")
        return Command(update={"messages": [answer], "delegations": [messages]})

    return delegate


class HierarchyRunner:
    def __init__(self, scenario: Scenario) -> None:
        manager, *workers = scenario.agents
        if not workers:
            raise ValueError("hierarchy: no workers")
        delegate = delegate_tool({worker["name"]: scenario.agent(worker) for worker in workers})
        self._manager = scenario.agent(manager, (delegate,), state_schema=ManagerState)
        self._task = scenario.tasks[0]

    def run(self) -> RunResult:
        state = self._manager.invoke({**task_input(self._task), "delegations": []})
        runs = [state["messages"], *state["delegations"]]
        return {
            "answer": final_answer(state["messages"]),
            "transcripts": [transcript(run) for run in runs],
        }

    def close(self) -> None:
        pass
