"""One agent with its tools: `create_agent` invoked with the task (simple_task, tool_overhead,
large_context_retrieval)."""

from __future__ import annotations

from .scenario import RunResult, Scenario, single_result, task_input


class SingleRunner:
    def __init__(self, scenario: Scenario) -> None:
        self._agent = scenario.agent(scenario.agents[0])
        self._task = scenario.tasks[0]

    def run(self) -> RunResult:
        return single_result(self._agent.invoke(task_input(self._task))["messages"])

    def close(self) -> None:
        pass
