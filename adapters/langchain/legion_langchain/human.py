"""Human in the loop (human_in_the_loop): the agent's `ask_human` tool pauses the graph with
`interrupt(question)`; the driver answers with `Command(resume=reply)` from the scenario's
scripted replies, in order, cycling. Interrupts need a checkpointer: one thread per run.
"""

from __future__ import annotations

import itertools

from langchain_core.runnables import RunnableConfig
from langchain_core.tools import tool
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command, interrupt

from .scenario import RunResult, Scenario, single_result, task_input


@tool
def ask_human(question: str) -> str:
    """Ask the human operator a question and wait for the reply."""
    return interrupt(question)


class HumanRunner:
    def __init__(self, scenario: Scenario) -> None:
        self._replies: list[str] = scenario.human_replies
        if not self._replies:
            raise ValueError("human-in-the-loop: no human replies")
        self._checkpointer = InMemorySaver()
        self._agent = scenario.agent(
            scenario.agents[0], (ask_human,), checkpointer=self._checkpointer
        )
        self._task = scenario.tasks[0]
        self._threads = itertools.count()

    def run(self) -> RunResult:
        thread = f"human-{next(self._threads)}"
        config: RunnableConfig = {"configurable": {"thread_id": thread}}
        replies = itertools.cycle(self._replies)
        try:
            state = self._agent.invoke(task_input(self._task), config)
            while state.get("__interrupt__"):
                state = self._agent.invoke(Command(resume=next(replies)), config)
        finally:
            self._checkpointer.delete_thread(thread)  # runs repeat thousands of times
        return single_result(state["messages"])

    def close(self) -> None:
        pass
