"""A manager that delegates to workers (hierarchical), the SDK's agents-as-tools pattern: the
manager `Agent`'s `delegate` function tool ({"worker", "task"}, LEGION's schema) runs the named
worker `Agent` with `Runner.run` and returns its final output to the manager.

Written as one function tool over `Runner.run`, as the SDK documents for a tool that needs
more control than `Agent.as_tool`: `as_tool` offers one tool per worker with an `input`
argument, and the scenario's delegation names the worker in its arguments. Handoffs do not
fit either: a handoff passes the conversation to the worker for the rest of the run, so the
manager would never see the workers' answers it reports from.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from legion_common import DELEGATE_SPEC

from .items import BridgeMessage
from .scenario import Runner, RunResult, Scenario, agent_transcript, answer
from .tools import schema_tool


class HierarchyRunner(Runner):
    async def _build(self, scenario: Scenario) -> None:
        manager, *workers = scenario.agents
        if not workers:
            raise ValueError("hierarchy: no workers")
        self._workers = {spec["name"]: (scenario.agent(spec), spec) for spec in workers}
        self._delegations: list[list[BridgeMessage]] = []
        self._manager_spec = manager
        self._manager = scenario.agent(manager, (schema_tool(DELEGATE_SPEC, self._delegate),))
        self._task = scenario.tasks[0]

    async def _delegate(self, arguments: Mapping[str, Any]) -> str:
        name = arguments["worker"]
        if name not in self._workers:
            raise ValueError(f"unknown worker '{name}'")
        worker, spec = self._workers[name]
        result = await self._scenario.run(worker, arguments["task"])
        self._delegations.append(agent_transcript(spec, result))
        return answer(result)

    async def _run(self) -> RunResult:
        self._delegations = []
        result = await self._scenario.run(self._manager, self._task)
        return {
            "answer": answer(result),
            "transcripts": [agent_transcript(self._manager_spec, result), *self._delegations],
            "metrics": {"delegations": len(self._delegations)},
        }
