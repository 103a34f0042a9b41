"""A group chat with conversation memory (the spec's `conversation_memory`:
multi_turn_conversation) the AutoGen way: each agent keeps its conversation in its own model
context across `run()` calls, and each turn hands the other's last message to the next
speaker's `run(task=...)`.

As in LEGION's round-robin chat, the first speaker starts from the task; the second sees
the task and the first reply; then they alternate for `max_turns` turns or until a turn says
"TERMINATE". Every agent is reset after the run (AutoGen's `on_reset`), so each run() of
the benchmark starts a fresh conversation.
"""

from __future__ import annotations

from autogen_agentchat.messages import BaseChatMessage, TextMessage
from autogen_core import CancellationToken

from legion_common import TERMINATE

from .agents import agent_transcript
from .scenario import Runner, RunResult, Scenario


class ConversationRunner(Runner):
    async def _build(self, scenario: Scenario) -> None:
        self._specs = scenario.agents
        self._agents = [scenario.agent(spec) for spec in self._specs]
        self._max_turns = scenario.max_turns
        self._task = scenario.tasks[0]

    async def _run(self) -> RunResult:
        try:
            # What each agent has not heard yet, starting with the task.
            pending: list[list[BaseChatMessage]] = [
                [TextMessage(content=self._task, source="user")] for _ in self._agents
            ]
            reply = ""
            turns = 0
            for turn in range(self._max_turns):
                index = turn % len(self._agents)
                result = await self._agents[index].run(task=pending[index])
                pending[index] = []
                said = result.messages[-1]
                if not isinstance(said, BaseChatMessage):
                    raise TypeError(f"{type(said).__name__} ends an agent's turn, not a message")
                reply = said.to_text()
                turns += 1
                for other, queue in enumerate(pending):
                    if other != index:
                        queue.append(said)
                if TERMINATE in reply:
                    break
            return {
                "answer": reply,
                "transcripts": [
                    await agent_transcript(agent, spec)
                    for agent, spec in zip(self._agents, self._specs, strict=True)
                ],
                "metrics": {"turns": turns},
            }
        finally:
            token = CancellationToken()
            for agent in self._agents:
                await agent.on_reset(token)
