"""N independent runs at once on asyncio (concurrent_execution): `asyncio.gather` over N
`Runner.run` calls on the runner's event loop, one `Agent` per concurrent run
(`agent.clone()`, made at build time), as the AutoGen runner has one agent per run.

An SDK agent holds no run state, so one agent could serve every run; but in 0.24 the runs
sharing an Agent check each other's tool configuration at every turn
(agents/run_internal/agent_tool_configuration.py: each check walks every active run of that
agent), which makes N runs of one agent cost O(N^2): with a stand-in model, 4.7 ms of CPU per
run at 64 runs and 12.0 ms at 1,024, against 4.2 and 5.3 ms with a clone per run
(results/2026-12-04-openai-agents/shared_vs_cloned_agents.txt). The SDK's own advice for
concurrent runs is a separate agent per run (`agent.clone()`).
"""

from __future__ import annotations

import asyncio

from legion_common import concurrent_answer

from .scenario import Runner, RunResult, Scenario, agent_transcript, answer


class ConcurrentRunner(Runner):
    async def _build(self, scenario: Scenario) -> None:
        self._spec = scenario.agents[0]
        agent = scenario.agent(self._spec)
        runs = scenario.runs_at_once
        self._agents = [agent, *(agent.clone() for _ in range(runs - 1))]
        self._task = scenario.tasks[0]

    async def _run(self) -> RunResult:
        results = await asyncio.gather(
            *(self._scenario.run(agent, self._task) for agent in self._agents)
        )
        return {
            "answer": concurrent_answer(answer(result) for result in results),
            "transcripts": [agent_transcript(self._spec, result) for result in results],
        }
