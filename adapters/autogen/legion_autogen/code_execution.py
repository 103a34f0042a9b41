"""Generate code, run it, answer from its output (code_generation_execution): a
`RoundRobinGroupChat` of the coder (`AssistantAgent`) and a `CodeExecutorAgent` with a
`LocalCommandLineCodeExecutor`, three turns: code, its output, the answer.

The executor runs in a scratch directory made at build time and removed at close, with the
virtualenv's python (`virtual_env_context`): in the embedded interpreter `sys.executable` is
the C++ binary. LEGION feeds back the trimmed stdout; AutoGen's executor returns stderr
followed by stdout, untrimmed (and its own wording for failures and empty output), so the
executor agent trims its output (`TrimmedCodeExecutorAgent`) - the normalisation an AutoGen
user does before an answer is compared as text. Each execution's time through the agent and
executor (code extraction, file write, subprocess, read back) is reported as `code_exec_ns`;
LEGION reports its sandbox's under the same name.
"""

from __future__ import annotations

import os
import tempfile
import time
from types import SimpleNamespace

from autogen_agentchat.agents import CodeExecutorAgent
from autogen_agentchat.teams import RoundRobinGroupChat
from autogen_core import CancellationToken
from autogen_core.code_executor import CodeBlock, CodeResult
from autogen_ext.code_executors.local import LocalCommandLineCodeExecutor

from .agents import agent_transcript, last_text
from .scenario import Runner, RunResult, Scenario

TIMEOUT_S = 10
WHITESPACE = " \t\r\n"


class TrimmedCodeExecutorAgent(CodeExecutorAgent):
    """A `CodeExecutorAgent` whose reply is the output trimmed of surrounding whitespace."""

    executions = 0
    executing_ns = 0

    async def execute_code_block(
        self, code_blocks: list[CodeBlock], cancellation_token: CancellationToken
    ) -> CodeResult:
        started = time.perf_counter_ns()
        result = await super().execute_code_block(code_blocks, cancellation_token)
        self.executing_ns += time.perf_counter_ns() - started
        self.executions += 1
        return CodeResult(exit_code=result.exit_code, output=result.output.strip(WHITESPACE))


def virtual_env_context(python: str) -> SimpleNamespace:
    """What `venv.EnvBuilder.ensure_directories` returns, for the executor's use of it."""
    bin_path = os.path.dirname(python)
    return SimpleNamespace(
        env_exe=python, bin_path=bin_path, env_dir=os.path.dirname(bin_path), bin_name="bin"
    )


class CodeExecutionRunner(Runner):
    async def _build(self, scenario: Scenario) -> None:
        self._scratch = tempfile.TemporaryDirectory(prefix="legion-autogen-")
        executor = LocalCommandLineCodeExecutor(
            work_dir=self._scratch.name,
            timeout=TIMEOUT_S,
            virtual_env_context=virtual_env_context(scenario.python),
        )
        self._spec = scenario.agents[0]
        self._coder = scenario.agent(self._spec)
        self._executor = TrimmedCodeExecutorAgent("executor", code_executor=executor)
        self._team = RoundRobinGroupChat([self._coder, self._executor], max_turns=3)
        self._task = scenario.tasks[0]

    async def _run(self) -> RunResult:
        self._executor.executions = 0
        self._executor.executing_ns = 0
        try:
            result = await self._team.run(task=self._task)
            return {
                "answer": last_text(result, {self._spec["name"]}),
                "transcripts": [await agent_transcript(self._coder, self._spec)],
                "metrics": {
                    "code_exec_ns": self._executor.executing_ns / max(self._executor.executions, 1),
                    "messages": len(result.messages),
                },
            }
        finally:
            await self._team.reset()

    def close(self) -> None:
        super().close()
        self._scratch.cleanup()
