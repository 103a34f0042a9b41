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

from legion_common import AgentSpec, own_tools, system_prompt

__all__ = ["AgentSpec", "final_answer", "make_agent", "own_tools", "system_prompt"]


def make_agent(
    model: BaseChatModel, agent: AgentSpec, tools: Sequence[BaseTool] = (), **options: Any
) -> CompiledStateGraph:
    """`create_agent` with the agent's system prompt; options go to create_agent as they are."""
    return create_agent(model, list(tools), system_prompt=system_prompt(agent), **options)


def final_answer(messages: Sequence[BaseMessage]) -> str:
    """The text of the agent's last reply."""
    return messages[-1].text
