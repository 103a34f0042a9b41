"""Generate code, run it, answer from its output (code_generation_execution): an Agent
Framework workflow coder -> execute -> coder. The coder executor runs its `Agent` in an
`AgentSession`; the execute executor runs the first fenced block of the coder's reply with
the virtualenv's python (sys.executable is the C++ binary in the embedded interpreter) in a
scratch directory (`legion_common.run_python`: `-I -S`, 10 s timeout) and sends the trimmed
stdout, or an error line, back as a user message: the text LEGION's code runner produces.
The coder's second reply is the workflow's output. Each execution's time is reported as
`code_exec_ns` (LEGION reports its sandbox's under the same name).
"""

# No `from __future__ import annotations`: the workflow reads the handlers' type hints.

import time
from dataclasses import dataclass

from agent_framework import Executor, Message, WorkflowBuilder, WorkflowContext, handler

from legion_common import first_fenced_block, run_python

from .scenario import Runner, RunResult, Scenario
from .workflows import ParticipantExecutor, run_to_output


@dataclass
class Reply:
    text: str


@dataclass
class Output:
    text: str


class Coder(ParticipantExecutor):
    @handler
    async def write(self, task: str, ctx: WorkflowContext[Reply]) -> None:
        self.participant.reset()
        await ctx.send_message(Reply(await self.participant.run(task)))

    @handler
    async def answer(self, output: Output, ctx: WorkflowContext[None, str]) -> None:
        await ctx.yield_output(await self.participant.run(Message("user", [output.text])))


class Execute(Executor):
    def __init__(self, python: str) -> None:
        super().__init__(id="execute")
        self._python = python
        self.executing_ns = 0

    @handler
    async def run_code(self, reply: Reply, ctx: WorkflowContext[Output]) -> None:
        code = first_fenced_block(reply.text)
        if code is None:
            raise RuntimeError("code execution: the reply holds no fenced code block")
        started = time.perf_counter_ns()
        feedback = run_python(self._python, code, prefix="legion-agent-framework-")
        self.executing_ns = time.perf_counter_ns() - started
        await ctx.send_message(Output(feedback))


class CodeExecutionRunner(Runner):
    async def _build(self, scenario: Scenario) -> None:
        self._coder = Coder(scenario.participant(scenario.agents[0], keep=True))
        self._execute = Execute(scenario.python)
        self._workflow = (
            WorkflowBuilder(start_executor=self._coder)
            .add_edge(self._coder, self._execute)
            .add_edge(self._execute, self._coder)
            .build()
        )
        self._task = scenario.tasks[0]

    async def _run(self) -> RunResult:
        answer = await run_to_output(self._workflow, self._task, "code execution")
        return {
            "answer": answer,
            "transcripts": [self._coder.participant.transcript()],
            "metrics": {"code_exec_ns": self._execute.executing_ns},
        }
