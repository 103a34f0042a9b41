"""LEGION's wording of what a model sees: an agent's system prompt, the order of its tools, and
the schemas and texts of the tools LEGION's runtime provides (search_memory, ask_human,
delegate). Every package offers these byte for byte, so prompts, tokens and hashes agree."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

AgentSpec = dict[str, Any]
Tool = TypeVar("Tool")


def _tool_spec(name: str, description: str, *arguments: str) -> dict[str, Any]:
    """A tool taking required string arguments, as LEGION's runtime declares it."""
    return {
        "name": name,
        "description": description,
        "parameters": {
            "type": "object",
            "properties": {argument: {"type": "string"} for argument in arguments},
            "required": list(arguments),
        },
    }


SEARCH_MEMORY_SPEC = _tool_spec(
    "search_memory", "Search the agent's memory and return the most relevant documents.", "query"
)
ASK_HUMAN_SPEC = _tool_spec(
    "ask_human", "Ask the human operator a question and wait for the reply.", "question"
)
DELEGATE_SPEC = _tool_spec(
    "delegate", "Delegate a task to a worker and return the worker's answer.", "worker", "task"
)


def introduction(agent: Mapping[str, Any]) -> str:
    """LEGION's introduction of an agent: 'You are NAME, ROLE.'"""
    text = f"You are {agent['name']}"
    if agent.get("role"):
        text += f", {agent['role']}"
    return text + "."


def system_prompt(agent: Mapping[str, Any]) -> str:
    """LEGION's prompt: 'You are NAME, ROLE. Your goal: GOAL.', the instructions below it."""
    prompt = introduction(agent)
    if agent.get("goal"):
        prompt += f" Your goal: {agent['goal']}."
    if agent.get("instructions"):
        prompt += f"\n{agent['instructions']}"
    return prompt


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


def format_documents(hits: Iterable[tuple[str, str]]) -> str:
    """LEGION's search_memory text for (id, text) hits, best first."""
    lines = [f"[{doc_id}] {text}" for doc_id, text in hits]
    return "\n".join(lines) if lines else "no documents found"
