"""Generate code, run it, answer from its output (code_generation_execution): a LangGraph
graph coder -> execute -> coder -> END.

The execute node runs the first fenced block of the coder's reply with the virtualenv's
python (sys.executable is the C++ binary in the embedded interpreter) in a scratch
directory, and feeds the trimmed stdout back as a user message, or an error line: the text
LEGION's code runner produces.
"""

from __future__ import annotations

import subprocess
import tempfile
from typing import Any

from langchain.agents import AgentState
from langchain_core.messages import HumanMessage
from langgraph.graph import END, START, StateGraph

from .agents import final_answer
from .scenario import RunResult, Scenario, single_result, task_input

TIMEOUT_S = 10.0
WHITESPACE = " \t\r\n"


def first_fenced_block(reply: str) -> str | None:
    """The body of the first ``` block: from the line after the opening fence to the closing one."""
    start = reply.find("```")
    if start < 0:
        return None
    body = reply.find("\n", start)
    if body < 0:
        return None
    end = reply.find("```", body + 1)
    return None if end < 0 else reply[body + 1 : end]


def run_python(python: str, code: str) -> str:
    """The feedback for `code`: its trimmed stdout, or "error: the code failed (...): stderr"."""
    with tempfile.TemporaryDirectory(prefix="legion-langchain-") as scratch:
        try:
            done = subprocess.run(
                [python, "-I", "-S", "-c", code],
                cwd=scratch,
                capture_output=True,
                timeout=TIMEOUT_S,
            )
        except subprocess.TimeoutExpired as timeout:
            return _failure("timed out", timeout.stderr or b"")
    if done.returncode < 0:
        return _failure(f"killed by signal {-done.returncode}", done.stderr)
    if done.returncode != 0:
        return _failure(f"exit {done.returncode}", done.stderr)
    return done.stdout.decode("utf-8", "replace").strip(WHITESPACE)


def _failure(why: str, stderr: bytes) -> str:
    return f"error: the code failed ({why}): {stderr.decode('utf-8', 'replace').strip(WHITESPACE)}"


class CodeState(AgentState):
    executed: bool


class CodeExecutionRunner:
    def __init__(self, scenario: Scenario) -> None:
        python = scenario.spec["python"]

        def execute(state: CodeState) -> dict[str, Any]:
            code = first_fenced_block(final_answer(state["messages"]))
            if code is None:
                raise RuntimeError("code execution: the reply holds no fenced code block")
            return {"messages": [HumanMessage(run_python(python, code))], "executed": True}

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
        return single_result(
            self._graph.invoke({**task_input(self._task), "executed": False})["messages"]
        )

    def close(self) -> None:
        pass
