"""A round-robin chat (team_coordination, multi_turn_conversation): every participant an
`Agent` with its own `SQLiteSession` (in memory), the SDK's way to keep a conversation across
`Runner.run` calls. Each turn runs the next speaker on what it has not heard yet - the task
first, then the others' turns as user messages named after their speaker - and its session
holds the rest: its own earlier turns and everything it heard, LEGION's view of a
participant. The chat ends after `max_turns` turns or on a turn that says "TERMINATE"; the
sessions are cleared after every run, so each run() starts a fresh chat.
"""

from __future__ import annotations

from typing import Any

from agents import SQLiteSession

from legion_common import TERMINATE, system_prompt

from .items import transcript, user
from .scenario import Runner, RunResult, Scenario, answer, model_responses


class GroupChatRunner(Runner):
    async def _build(self, scenario: Scenario) -> None:
        self._scenario = scenario
        self._specs = scenario.agents
        self._agents = [scenario.agent(spec) for spec in self._specs]
        self._sessions = [
            SQLiteSession(f"{scenario.spec['scenario']}-{spec['name']}") for spec in self._specs
        ]
        self._max_turns = scenario.max_turns
        self._task = scenario.tasks[0]

    async def _run(self) -> RunResult:
        try:
            # What each participant has not heard yet, starting with the task.
            pending: list[list[Any]] = [[user(self._task)] for _ in self._agents]
            reply = ""
            turns = 0
            responses = 0
            for turn in range(self._max_turns):
                index = turn % len(self._agents)
                result = await self._scenario.run(
                    self._agents[index], pending[index], session=self._sessions[index]
                )
                pending[index] = []
                reply = answer(result)
                turns += 1
                responses += model_responses(result)
                for other, queue in enumerate(pending):
                    if other != index:
                        queue.append(user(reply, self._specs[index]["name"]))
                if TERMINATE in reply:
                    break
            transcripts = [
                transcript(system_prompt(spec), await session.get_items())
                for spec, session in zip(self._specs, self._sessions, strict=True)
            ]
            return {
                "answer": reply,
                "transcripts": transcripts,
                "metrics": {"turns": turns, "model_responses": responses},
            }
        finally:
            for session in self._sessions:
                await session.clear_session()

    def close(self) -> None:
        for session in self._sessions:
            session.close()
        super().close()
