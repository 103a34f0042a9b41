"""Human in the loop (human_in_the_loop): a `UserProxyAgent(input_func=...)` is the human.

The agent asks through its `ask_human` tool (LEGION's schema, {"question"}); the tool hands
the question to the user proxy (`on_messages`), whose input function answers with the
scenario's scripted replies, in order, cycling - an async input function, as a web or chat
front end would supply (a synchronous one would go through a thread per question). The
round trip of each question through the user proxy is reported (`human_round_trip_ns`).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Mapping
from typing import Any

from autogen_agentchat.agents import UserProxyAgent
from autogen_agentchat.messages import TextMessage
from autogen_core import CancellationToken

from legion_common import ASK_HUMAN_SPEC

from .agents import agent_transcript, last_text
from .scenario import Runner, RunResult, Scenario
from .tools import SchemaTool


class HumanRunner(Runner):
    async def _build(self, scenario: Scenario) -> None:
        self._replies: list[str] = scenario.human_replies
        if not self._replies:
            raise ValueError("human-in-the-loop: no human replies")
        self._next = itertools.cycle(self._replies)
        self._human = UserProxyAgent("human", input_func=self._input)
        self._spec = scenario.agents[0]
        self._agent = scenario.agent(self._spec, (SchemaTool(ASK_HUMAN_SPEC, self._ask),))
        self._task = scenario.tasks[0]
        self._asked = 0
        self._round_trip_ns = 0

    async def _input(self, prompt: str, cancellation_token: CancellationToken | None) -> str:
        return next(self._next)

    async def _ask(self, arguments: Mapping[str, Any]) -> str:
        started = time.perf_counter_ns()
        question = TextMessage(content=arguments["question"], source=self._spec["name"])
        response = await self._human.on_messages([question], CancellationToken())
        self._round_trip_ns += time.perf_counter_ns() - started
        self._asked += 1
        return response.chat_message.to_text()

    async def _run(self) -> RunResult:
        self._next = itertools.cycle(self._replies)  # every run hears the same replies
        self._asked = 0
        self._round_trip_ns = 0
        try:
            result = await self._agent.run(task=self._task)
            return {
                "answer": last_text(result, {self._spec["name"]}),
                "transcripts": [await agent_transcript(self._agent, self._spec)],
                "metrics": {
                    "human_asks": self._asked,
                    "human_round_trip_ns": self._round_trip_ns / max(self._asked, 1),
                },
            }
        finally:
            await self._agent.on_reset(CancellationToken())
