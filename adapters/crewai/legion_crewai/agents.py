"""Agents of a scenario as CrewAI `Agent`s.

CrewAI's system prompt is "You are {role}. {backstory}\\nYour personal goal is: {goal}". The
agent's name is its `role` (CrewAI identifies agents by role: the manager's "Delegate work to
coworker" tool finds the worker whose role is the `coworker` argument), and the backstory
carries LEGION's wording and the agent's instructions, which may hold its model script.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from crewai import Agent
from crewai.tools import BaseTool

from legion_common import introduction

from .http_llm import RecordingOpenAICompletion
from .llm import LegionLLM

AgentSpec = dict[str, Any]

# CrewAI stops an agent after max_iter model turns (default 25); the scenarios' scripts decide
# when to stop (tool_overhead makes 101 turns), as LEGION's step limit does.
MAX_ITER = 10_000


def backstory(agent: AgentSpec) -> str:
    """LEGION's prompt: 'You are NAME, ROLE.', the instructions below it."""
    text = introduction(agent)
    if agent.get("instructions"):
        text += f"\n{agent['instructions']}"
    return text


def make_agent(
    llm: LegionLLM | RecordingOpenAICompletion,
    agent: AgentSpec,
    tools: Sequence[BaseTool] = (),
    **options: Any,
) -> Agent:
    """A CrewAI Agent for the spec; `options` go to Agent as they are.

    cache=False: CrewAI's tool cache would answer a repeated tool call (every hot run repeats
    the same calls) without running the tool; every run must do its work.
    """
    settings: dict[str, Any] = {
        "allow_delegation": False,
        "cache": False,
        "max_iter": MAX_ITER,
        "verbose": False,
        **options,
    }
    return Agent(
        role=agent["name"],
        goal=agent.get("goal") or agent["name"],
        backstory=backstory(agent),
        llm=llm,
        tools=list(tools),
        **settings,
    )


def output_text(output: Any) -> str:
    """The text of a CrewOutput / TaskOutput / LiteAgentOutput."""
    raw = getattr(output, "raw", output)
    return raw if isinstance(raw, str) else str(raw)


# Our Flows run with suppress_flow_events=True, as CrewAI runs its own internal flows (the
# agent executor is one): otherwise every run prints "Flow Execution Completed" panels to the
# console, which no one benchmarking or serving a flow keeps.
QUIET = True
