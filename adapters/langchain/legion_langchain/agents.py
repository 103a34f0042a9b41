"""Agents of a scenario as LangChain `create_agent` graphs.

The system prompt carries the agent's role, goal and instructions in LEGION's wording: an
agent's script may live in its instructions, and the same prompt text gives the simulated
model the same request as under LEGION.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain.agents import create_agent
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.tools import BaseTool
from langgraph.graph.state import CompiledStateGraph

AgentSpec = dict[str, Any]


def system_prompt(agent: AgentSpec) -> str:
    """LEGION's prompt: 'You are NAME, ROLE. Your goal: GOAL.', the instructions below it."""
    prompt = f"You are {agent['name']}"
    if agent.get("role"):
        prompt += f", {agent['role']}"
    prompt += "."
    if agent.get("goal"):
        prompt += f" Your goal: {agent['goal']}."
    if agent.get("instructions"):
        prompt += f"\n{agent['instructions']}"
    return prompt


def own_tools(
    agent: AgentSpec, catalogue: dict[str, BaseTool], memory_tool: BaseTool | None
) -> list[BaseTool]:
    """The agent's tools in LEGION's order: its catalogue tools, then search_memory."""
    tools = [catalogue[name] for name in agent.get("tools", []) if name != "search_memory"]
    if "search_memory" in agent.get("tools", []):
        if memory_tool is None:
            raise ValueError(f"agent '{agent['name']}' uses search_memory without a corpus")
        tools.append(memory_tool)
    return tools


def make_agent(
    model: BaseChatModel, agent: AgentSpec, tools: Sequence[BaseTool] = (), **options: Any
) -> CompiledStateGraph:
    """`create_agent` with the agent's system prompt; options go to create_agent as they are."""
    return create_agent(model, list(tools), system_prompt=system_prompt(agent), **options)


def final_answer(messages: Sequence[BaseMessage]) -> str:
    """The text of the agent's last reply."""
    return messages[-1].text
