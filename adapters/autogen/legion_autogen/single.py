"""One agent with its tools: an `AssistantAgent` run on the task (simple_task, tool_overhead,
large_context_retrieval). The agent loops model -> tools -> model while the model calls tools
(`max_tool_iterations`), as LEGION's agent does; its kept context is reset after each run.
"""

from __future__ import annotations

from autogen_agentchat.agents import AssistantAgent
from autogen_core import CancellationToken

from .agents import AgentSpec, agent_transcript, last_text
from .scenario import Runner, RunResult, Scenario


class SingleRunner(Runner):
    async def _build(self, scenario: Scenario) -> None:
        self._spec: AgentSpec = scenario.agents[0]
        self._agent: AssistantAgent = scenario.agent(self._spec)
        self._task = scenario.tasks[0]

    async def _run(self) -> RunResult:
        try:
            result = await self._agent.run(task=self._task)
            return {
                "answer": last_text(result),
                "transcripts": [await agent_transcript(self._agent, self._spec)],
            }
        finally:
            await self._agent.on_reset(CancellationToken())
