"""A round-robin group chat (team_coordination, multi_turn_conversation): a CrewAI `Flow`
whose router picks the next speaker, each turn an `Agent.kickoff(messages)` with the
speaker's view of the chat.

Why not a sequential Crew: a Crew gives every task a fresh conversation, so a participant
would not see its own earlier turns (its script's step would restart at 1 each round); CrewAI's
way to keep a conversation is `Agent.kickoff(messages=history)`. The view is LEGION's: the
task, the speaker's own turns as assistant messages, everyone else's as user messages
"NAME: TEXT". The chat ends after max_turns turns or on a turn containing "TERMINATE".
"""

from __future__ import annotations

from typing import Any

from crewai import Agent
from crewai.flow.flow import Flow, listen, or_, router, start
from pydantic import BaseModel, Field, PrivateAttr

from legion_common import TERMINATE

from .agents import QUIET, output_text
from .scenario import Handoffs, Recording, RunResult, Scenario
from .transcript import session


class Turn(BaseModel):
    speaker: str
    text: str


class ChatState(BaseModel):
    turns: list[Turn] = Field(default_factory=list)


def view_of(name: str, task: str, turns: list[Turn]) -> list[dict[str, Any]]:
    """The conversation as participant `name` sees it."""
    view: list[dict[str, Any]] = [{"role": "user", "content": task}]
    for turn in turns:
        if turn.speaker == name:
            view.append({"role": "assistant", "content": turn.text})
        else:
            view.append({"role": "user", "content": f"{turn.speaker}: {turn.text}"})
    return view


class RoundRobinChat(Flow[ChatState]):
    """speak -> next_turn -> speak ... -> done."""

    _agents: Any = PrivateAttr(default=None)
    _names: Any = PrivateAttr(default=None)
    _task: Any = PrivateAttr(default=None)
    _max_turns: Any = PrivateAttr(default=None)

    def __init__(self, agents: list[Agent], names: list[str], task: str, max_turns: int) -> None:
        super().__init__(suppress_flow_events=QUIET)
        self._agents = agents
        self._names = names
        self._task = task
        self._max_turns = max_turns

    @start()
    def begin(self) -> None:
        pass

    @listen(or_(begin, "speak"))
    def turn(self) -> None:
        index = len(self.state.turns) % len(self._agents)
        name = self._names[index]
        with session(name):
            output = self._agents[index].kickoff(view_of(name, self._task, self.state.turns))
        self.state.turns.append(Turn(speaker=name, text=output_text(output)))

    @router(turn)
    def next_turn(self) -> str:
        turns = self.state.turns
        if len(turns) >= self._max_turns or TERMINATE in turns[-1].text:
            return "done"
        return "speak"

    @listen("done")
    def conclude(self) -> str:
        return self.state.turns[-1].text


class GroupChatRunner:
    def __init__(self, scenario: Scenario) -> None:
        self._agents = [scenario.agent(agent) for agent in scenario.agents]
        self._names = [agent["name"] for agent in scenario.agents]
        self._task = scenario.tasks[0]
        self._max_turns = scenario.max_turns
        self._llm = scenario.llm

    def run(self) -> RunResult:
        # A Flow's state is per instance and a kickoff runs it from the start: one per run.
        chat = RoundRobinChat(self._agents, self._names, self._task, self._max_turns)
        with Recording(self._llm) as recording:
            answer = chat.kickoff()
        handoffs = Handoffs()
        for turn in chat.state.turns:
            handoffs.add(f"{turn.speaker}: {turn.text}", recipients=len(self._names) - 1)
        return {
            "answer": str(answer),
            "transcripts": recording.transcripts(),
            "metrics": handoffs.metrics(),
        }

    def close(self) -> None:
        pass
