"""A round-robin group chat (team_coordination): `RoundRobinGroupChat` of `AssistantAgent`s,
`max_turns` turns or a turn containing "TERMINATE" (`TextMentionTermination`).

Each participant speaks from its own kept context, as in LEGION: the task, its own earlier
turns as its (assistant) messages, everyone else's as user messages. The team is reset after
every run, so each run() starts from the same state.
"""

from __future__ import annotations

from autogen_agentchat.base import ChatAgent, Team
from autogen_agentchat.conditions import TextMentionTermination
from autogen_agentchat.teams import RoundRobinGroupChat

from legion_common import TERMINATE

from .agents import agent_transcript, last_text
from .scenario import Runner, RunResult, Scenario


class GroupChatRunner(Runner):
    async def _build(self, scenario: Scenario) -> None:
        self._specs = scenario.agents
        self._names = {spec["name"] for spec in self._specs}
        self._agents = [scenario.agent(spec) for spec in self._specs]
        participants: list[ChatAgent | Team] = list(self._agents)
        self._team = RoundRobinGroupChat(
            participants,
            termination_condition=TextMentionTermination(TERMINATE),
            max_turns=scenario.max_turns,
        )
        self._task = scenario.tasks[0]

    async def _run(self) -> RunResult:
        try:
            result = await self._team.run(task=self._task)
            turns = sum(1 for m in result.messages if m.source in self._names)
            return {
                "answer": last_text(result, self._names),
                "transcripts": [
                    await agent_transcript(agent, spec)
                    for agent, spec in zip(self._agents, self._specs, strict=True)
                ],
                "metrics": {"turns": turns, "messages": len(result.messages)},
            }
        finally:
            await self._team.reset()
