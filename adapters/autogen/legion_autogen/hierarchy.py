"""A manager that delegates to workers (hierarchical): the manager is an `AssistantAgent`
whose `delegate` tool ({"worker", "task"}, LEGION's schema) runs the named worker agent on the
task and returns its answer - AutoGen's agent-as-tool idiom (`AgentTool`), written for
several workers behind one tool because the scenario's delegation tool names the worker in
its arguments (`AgentTool` offers one tool per agent, with a `task` argument only, and
returns the whole run's text rather than the worker's answer).

A `SelectorGroupChat` would choose the next worker with a model call of its own, which
LEGION's manager does not make; the tool keeps the manager's calls LEGION's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from autogen_agentchat.agents import AssistantAgent
from autogen_core import CancellationToken

from legion_common import DELEGATE_SPEC, AgentSpec

from .agents import agent_transcript, last_text
from .messages import BridgeMessage
from .scenario import Runner, RunResult, Scenario
from .tools import SchemaTool


class HierarchyRunner(Runner):
    async def _build(self, scenario: Scenario) -> None:
        manager, *workers = scenario.agents
        if not workers:
            raise ValueError("hierarchy: no workers")
        self._workers: dict[str, tuple[AssistantAgent, AgentSpec]] = {
            spec["name"]: (scenario.agent(spec), spec) for spec in workers
        }
        self._delegations: list[list[BridgeMessage]] = []
        self._manager_spec = manager
        self._manager = scenario.agent(manager, (SchemaTool(DELEGATE_SPEC, self._delegate),))
        self._task = scenario.tasks[0]

    async def _delegate(self, arguments: Mapping[str, Any]) -> str:
        name = arguments["worker"]
        if name not in self._workers:
            raise ValueError(f"unknown worker '{name}'")
        worker, spec = self._workers[name]
        try:
            answer = last_text(await worker.run(task=arguments["task"]), {name})
            self._delegations.append(await agent_transcript(worker, spec))
        finally:
            await worker.on_reset(CancellationToken())  # a fresh run per delegation, as LEGION's
        return answer

    async def _run(self) -> RunResult:
        self._delegations = []
        try:
            result = await self._manager.run(task=self._task)
            manager_run = await agent_transcript(self._manager, self._manager_spec)
            return {
                "answer": last_text(result, {self._manager_spec["name"]}),
                "transcripts": [manager_run, *self._delegations],
                "metrics": {"delegations": len(self._delegations)},
            }
        finally:
            await self._manager.on_reset(CancellationToken())
