"""Generate code, run it, answer from its output (code_generation_execution): a CrewAI `Flow`
write -> execute -> answer. The coder is an `Agent` (its conversation kept with
`Agent.kickoff(messages)`); the code runs through a custom `BaseTool` (CrewAI removed
CodeInterpreterTool and deprecated allow_code_execution), which runs the first fenced block
of the reply with the virtualenv's python (sys.executable is the C++ binary when embedded) in
a scratch directory and returns the trimmed stdout, or LEGION's error line. That text is the
coder's next user message.
"""

from __future__ import annotations

from typing import Any

from crewai import Agent
from crewai.flow.flow import Flow, listen, start
from crewai.tools import BaseTool
from pydantic import BaseModel, Field, PrivateAttr

from legion_common import first_fenced_block, run_python

from .agents import QUIET, output_text
from .scenario import Recording, RunResult, Scenario
from .transcript import session


class RunPythonArguments(BaseModel):
    code: str = Field(description="Python source to run")


class RunPythonTool(BaseTool):
    name: str = "run_python"
    description: str = "Run Python code in a scratch directory and return its standard output."
    args_schema: type[BaseModel] = RunPythonArguments
    python: str = "python3"

    def _run(self, code: str) -> str:
        return run_python(self.python, code, prefix="legion-crewai-")


class CodeState(BaseModel):
    messages: list[dict[str, Any]] = Field(default_factory=list)


class CodeFlow(Flow[CodeState]):
    _coder: Any = PrivateAttr(default=None)
    _runner: Any = PrivateAttr(default=None)
    _task: Any = PrivateAttr(default=None)

    def __init__(self, coder: Agent, runner: RunPythonTool, task: str) -> None:
        super().__init__(suppress_flow_events=QUIET)
        self._coder = coder
        self._runner = runner
        self._task = task

    @start()
    def write(self) -> None:
        self.state.messages = [{"role": "user", "content": self._task}]
        with session("coder"):
            reply = output_text(self._coder.kickoff(list(self.state.messages)))
        self.state.messages.append({"role": "assistant", "content": reply})

    @listen(write)
    def execute(self) -> None:
        code = first_fenced_block(self.state.messages[-1]["content"])
        if code is None:
            raise RuntimeError("code execution: the reply holds no fenced code block")
        self.state.messages.append({"role": "user", "content": self._runner.run(code=code)})

    @listen(execute)
    def answer(self) -> str:
        with session("coder"):
            return output_text(self._coder.kickoff(list(self.state.messages)))


class CodeExecutionRunner:
    def __init__(self, scenario: Scenario) -> None:
        self._coder = scenario.agent(scenario.agents[0])
        self._runner = RunPythonTool(python=scenario.python)
        self._task = scenario.tasks[0]
        self._llm = scenario.llm

    def run(self) -> RunResult:
        flow = CodeFlow(self._coder, self._runner, self._task)
        with Recording(self._llm) as recording:
            answer = flow.kickoff()
        return {"answer": str(answer), "transcripts": recording.transcripts()}

    def close(self) -> None:
        pass
