"""A manager that delegates to workers (hierarchical): the manager `Agent`'s `delegate`
function tool ({"worker", "task"}, LEGION's schema) runs the named worker `Agent` on the task
and returns its answer - the framework's agent-as-tool idiom (`Agent.as_tool()`), written
for several workers behind one tool because the scenario's delegation tool names the worker
in its arguments (`as_tool()` offers one tool per agent, with a `task` argument only).

Handoff (`HandoffBuilder`) lives in the separate agent-framework-orchestrations package, and
hands the conversation over rather than getting an answer back; a group chat manager would
choose the worker with a model call of its own, which LEGION's manager does not make. The tool
keeps the manager's calls LEGION's.
"""

from __future__ import annotations

from legion_common import DELEGATE_SPEC

from .agents import Participant
from .messages import BridgeMessage
from .scenario import Runner, RunResult, Scenario
from .tools import schema_tool


class HierarchyRunner(Runner):
    async def _build(self, scenario: Scenario) -> None:
        manager, *workers = scenario.agents
        if not workers:
            raise ValueError("hierarchy: no workers")
        self._workers: dict[str, Participant] = {
            spec["name"]: scenario.participant(spec) for spec in workers
        }
        self._delegations: list[list[BridgeMessage]] = []
        self._manager = scenario.participant(manager, (schema_tool(DELEGATE_SPEC, self._delegate),))
        self._task = scenario.tasks[0]

    async def _delegate(self, worker: str, task: str) -> str:
        if worker not in self._workers:
            raise ValueError(f"unknown worker '{worker}'")
        participant = self._workers[worker]
        answer = await participant.run(task)  # a fresh run per delegation, as LEGION's
        self._delegations.append(participant.transcript())
        return answer

    async def _run(self) -> RunResult:
        self._delegations = []
        answer = await self._manager.run(self._task)
        return {
            "answer": answer,
            "transcripts": [self._manager.transcript(), *self._delegations],
            "metrics": {"delegations": len(self._delegations)},
        }
