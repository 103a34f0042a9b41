"""A round-robin group chat (team_coordination, multi_turn_conversation) as an Agent
Framework workflow: a model-free round-robin manager executor with an edge to every
participant executor and one back. The manager hands each speaker what it has not heard yet
(`send_message(..., target_id=speaker)`); the speaker runs its `Agent` on that, in its own
`AgentSession` (the framework's multi-turn idiom: the session keeps the task, the speaker's
own turns as its assistant messages, everyone else's as user messages, LEGION's view), and
sends its turn back. The chat ends after `max_turns` turns or a turn containing "TERMINATE",
and the manager yields the last turn. Each run starts fresh sessions.

(agent-framework-orchestrations' `GroupChatBuilder` is not in the core package; a manager
choosing speakers with a model would add model calls LEGION's round robin does not make.)
"""

# No `from __future__ import annotations`: the workflow reads the handlers' type hints.

from dataclasses import dataclass
from typing import Any

from agent_framework import Executor, Message, WorkflowBuilder, WorkflowContext, handler

from legion_common import TERMINATE

from .scenario import Runner, RunResult, Scenario
from .workflows import ParticipantExecutor, run_to_output


@dataclass
class Hear:
    """The messages a speaker has not heard since its last turn."""

    messages: list[Message]


@dataclass
class Turn:
    speaker: str
    text: str


class Speaker(ParticipantExecutor):
    @handler
    async def speak(self, heard: Hear, ctx: WorkflowContext[Turn]) -> None:
        await ctx.send_message(
            Turn(self.participant.name, await self.participant.run(heard.messages))
        )


class RoundRobinManager(Executor):
    def __init__(self, speakers: list[Speaker], max_turns: int) -> None:
        super().__init__(id="round_robin_manager")
        self._speakers = speakers
        self._max_turns = max_turns
        self.turns = 0

    @handler
    async def start(self, task: str, ctx: WorkflowContext[Hear]) -> None:
        for speaker in self._speakers:
            speaker.participant.reset()
        self._pending = [[Message("user", [task])] for _ in self._speakers]
        self.turns = 0
        await self._next(ctx)

    @handler
    async def heard(self, turn: Turn, ctx: WorkflowContext[Hear, str]) -> None:
        self.turns += 1
        index = (self.turns - 1) % len(self._speakers)
        said = self._speakers[index].participant.said(turn.text)
        for other, queue in enumerate(self._pending):
            if other != index:
                queue.append(said)
        if self.turns >= self._max_turns or TERMINATE in turn.text:
            await ctx.yield_output(turn.text)
        else:
            await self._next(ctx)

    async def _next(self, ctx: WorkflowContext[Hear, Any]) -> None:
        index = self.turns % len(self._speakers)
        heard, self._pending[index] = self._pending[index], []
        await ctx.send_message(Hear(heard), target_id=self._speakers[index].id)


class GroupChatRunner(Runner):
    async def _build(self, scenario: Scenario) -> None:
        self._speakers = [
            Speaker(scenario.participant(spec, keep=True)) for spec in scenario.agents
        ]
        max_turns = scenario.max_turns
        self._manager = RoundRobinManager(self._speakers, max_turns)
        builder = WorkflowBuilder(start_executor=self._manager, max_iterations=2 * max_turns + 2)
        for speaker in self._speakers:
            builder.add_edge(self._manager, speaker)
            builder.add_edge(speaker, self._manager)
        self._workflow = builder.build()
        self._task = scenario.tasks[0]

    async def _run(self) -> RunResult:
        answer = await run_to_output(self._workflow, self._task, "group chat")
        return {
            "answer": answer,
            "transcripts": [speaker.participant.transcript() for speaker in self._speakers],
            "metrics": {"turns": self._manager.turns},
        }
