"""N independent runs at once on asyncio (concurrent_execution): `asyncio.gather` over N
`AssistantAgent.run` calls on the runner's event loop. An AssistantAgent serves one run at a
time (its model context is its state), so there is one agent per concurrent run, built at
build time and reset after every run; they share the stateless model client.
"""

from __future__ import annotations

import asyncio

from autogen_agentchat.agents import AssistantAgent
from autogen_core import CancellationToken

from legion_common import AgentSpec, concurrent_answer

from .agents import agent_transcript, last_text
from .scenario import Runner, RunResult, Scenario


class ConcurrentRunner(Runner):
    async def _build(self, scenario: Scenario) -> None:
        self._spec: AgentSpec = scenario.agents[0]
        runs = scenario.runs_at_once
        self._agents: list[AssistantAgent] = [scenario.agent(self._spec) for _ in range(runs)]
        self._task = scenario.tasks[0]

    async def _run(self) -> RunResult:
        try:
            results = await asyncio.gather(*(agent.run(task=self._task) for agent in self._agents))
            answers = [last_text(result, {self._spec["name"]}) for result in results]
            return {
                "answer": concurrent_answer(answers),
                "transcripts": [await agent_transcript(a, self._spec) for a in self._agents],
            }
        finally:
            token = CancellationToken()
            await asyncio.gather(*(agent.on_reset(token) for agent in self._agents))
