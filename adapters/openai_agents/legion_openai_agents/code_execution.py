"""Generate code, run it, answer from its output (code_generation_execution): the coder
`Agent` answers with a fenced block, the runner executes it and runs the coder again on
`result.to_input_list()` plus the program's output as a user message - LEGION's three steps.

The SDK's code tools do not run here: `CodeInterpreterTool` executes on OpenAI's servers,
and its sandbox agents need a container back end. The code runs as LEGION's code runner runs
it (legion_common.run_python: the virtualenv's python, `-I -S`, a scratch directory, 10 s
timeout, the trimmed stdout or an error line); each execution's time is `code_exec_ns`.
"""

from __future__ import annotations

import asyncio
import time

from legion_common import first_fenced_block, run_python

from .items import user
from .scenario import Runner, RunResult, Scenario, agent_transcript, answer


class CodeExecutionRunner(Runner):
    async def _build(self, scenario: Scenario) -> None:
        self._scenario = scenario
        self._python = scenario.python
        self._spec = scenario.agents[0]
        self._coder = scenario.agent(self._spec)
        self._task = scenario.tasks[0]

    async def _run(self) -> RunResult:
        written = await self._scenario.run(self._coder, self._task)
        code = first_fenced_block(answer(written))
        if code is None:
            raise RuntimeError(f"code execution: no fenced code block in '{answer(written)}'")
        started = time.perf_counter_ns()
        output = await asyncio.to_thread(run_python, self._python, code, "legion-openai-agents-")
        executing_ns = time.perf_counter_ns() - started
        result = await self._scenario.run(self._coder, [*written.to_input_list(), user(output)])
        return {
            "answer": answer(result),
            "transcripts": [agent_transcript(self._spec, result)],
            "metrics": {"code_exec_ns": executing_ns},
        }
