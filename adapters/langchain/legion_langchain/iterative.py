"""Retry until a checker accepts (iterative_problem_solving): a LangGraph loop
solver -> checker -> solver ... as LEGION's run_iterative.

The solver node is the agent graph itself (a subgraph sharing the `messages` channel); the
checker compares the last answer with the expected one and, if it differs, adds the
feedback as a user message, up to max_iterations answers.
"""

from __future__ import annotations

from typing import Any

from langchain.agents import AgentState
from langchain_core.messages import HumanMessage
from langchain_core.runnables import RunnableConfig
from langgraph.graph import END, START, StateGraph

from .agents import final_answer
from .scenario import RunResult, Scenario, single_result


class IterativeState(AgentState):
    iteration: int
    passed: bool


class IterativeRunner:
    def __init__(self, scenario: Scenario) -> None:
        expected = scenario.expected
        feedback = scenario.checker_feedback
        max_iterations = scenario.max_iterations
        if max_iterations <= 0:
            raise ValueError("iterative: max_iterations must be > 0")

        def check(state: IterativeState) -> dict[str, Any]:
            answer = final_answer(state["messages"])
            if answer == expected:
                return {"passed": True}
            if state["iteration"] >= max_iterations:
                raise RuntimeError(
                    f"iterative: the checker did not pass within {max_iterations} iterations "
                    f"(last answer: '{answer}')"
                )
            return {"messages": [HumanMessage(feedback)], "iteration": state["iteration"] + 1}

        builder = StateGraph(IterativeState)
        builder.add_node("solver", scenario.agent(scenario.agents[0]))
        builder.add_node("checker", check)
        builder.add_edge(START, "solver")
        builder.add_edge("solver", "checker")
        builder.add_conditional_edges(
            "checker", lambda state: END if state["passed"] else "solver", ["solver", END]
        )
        self._graph = builder.compile()
        self._task = scenario.tasks[0]
        self._config: RunnableConfig = {"recursion_limit": 2 * max_iterations + 2}

    def run(self) -> RunResult:
        start: IterativeState = {
            "messages": [HumanMessage(self._task)],
            "iteration": 1,
            "passed": False,
        }
        return single_result(self._graph.invoke(start, self._config)["messages"])

    def close(self) -> None:
        pass
