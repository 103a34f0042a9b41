"""Scenario-level rules shared by the adapter packages."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

Tool = TypeVar("Tool")


def introduction(agent: Mapping[str, Any]) -> str:
    """LEGION's introduction of an agent: 'You are NAME, ROLE.'"""
    text = f"You are {agent['name']}"
    if agent.get("role"):
        text += f", {agent['role']}"
    return text + "."


def own_tools(
    agent: Mapping[str, Any], catalogue: Mapping[str, Tool], memory_tool: Tool | None
) -> list[Tool]:
    """The agent's tools in LEGION's order: its catalogue tools, then search_memory."""
    names = agent.get("tools", [])
    tools = [catalogue[name] for name in names if name != "search_memory"]
    if "search_memory" in names:
        if memory_tool is None:
            raise ValueError(f"agent '{agent['name']}' uses search_memory without a corpus")
        tools.append(memory_tool)
    return tools


def agreed_answer(answers: Iterable[str]) -> str:
    """The answer of N independent runs: the first, or LEGION's report of a diverging run."""
    answers = list(answers)
    answer = answers[0]
    for index, other in enumerate(answers):
        if other != answer:
            return f"run {index} answered '{other}'"
    return answer


def support_reason(
    spec: Mapping[str, Any], patterns: Iterable[str], framework: str
) -> str | None:
    """None when the package implements the scenario's pattern, else why not."""
    pattern = spec["pattern"]
    if pattern not in patterns:
        return f"pattern '{pattern}' is not implemented for {framework}"
    if spec.get("execute_code") and pattern != "single":
        return f"code execution in the '{pattern}' pattern is not implemented for {framework}"
    return None
