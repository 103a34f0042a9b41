"""Generate code, run it, answer from its output (code_generation_execution): a LangGraph
graph coder -> execute -> coder -> END.

The execute node runs the first fenced block of the coder's reply with the virtualenv's
python (sys.executable is the C++ binary in the embedded interpreter) in a scratch
directory, and feeds the trimmed stdout back as a user message, or an error line: the text
LEGION's code runner produces.
"""

from __future__ import annotations

from typing import Any

from langchain.agents import AgentState
from langchain_core.messages import HumanMessage
from langgraph.graph import END, START, StateGraph

from legion_common import first_fenced_block, run_python

from .agents import final_answer
from .scenario import RunResult, Scenario, single_result


class CodeState(AgentState):
    executed: bool


class CodeExecutionRunner:
    def __init__(self, scenario: Scenario) -> None:
        python = scenario.python

        def execute(state: CodeState) -> dict[str, Any]:
            code = first_fenced_block(final_answer(state["messages"]))
            if code is None:
                raise RuntimeError("code execution: the reply holds no fenced code block")
            feedback = run_python(python, code, prefix="legion-langchain-")
            return {"messages": [HumanMessage(feedback)], "executed": True}

        builder = StateGraph(CodeState)
        builder.add_node("coder", scenario.agent(scenario.agents[0]))
        builder.add_node("execute", execute)
        builder.add_edge(START, "coder")
        builder.add_conditional_edges(
            "coder", lambda state: END if state["executed"] else "execute", ["execute", END]
        )
        builder.add_edge("execute", "coder")
        self._graph = builder.compile()
        self._task = scenario.tasks[0]

    def run(self) -> RunResult:
        start: CodeState = {"messages": [HumanMessage(self._task)], "executed": False}
        return single_result(self._graph.invoke(start)["messages"])

    def close(self) -> None:
        pass
