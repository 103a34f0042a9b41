"""The scenario spec as a package receives it (adapters/python_adapter.cpp, to_spec): the
accessors every package reads it through, and `ScenarioBase`, the part of a package's
`Scenario` that does not depend on the framework (the spec, the catalogue tools, the
search_memory tool)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from .prompts import AgentSpec, own_tools

Spec = dict[str, Any]
Tool = TypeVar("Tool")

# The harness's kMemoryTopK (adapters/tool_catalogue.hpp): the spec carries it; the default
# serves a spec written by hand.
MEMORY_TOP_K = 3
# A chat without `max_turns`: as LEGION's group chat.
DEFAULT_MAX_TURNS = 10


def memory_top_k(spec: Mapping[str, Any]) -> int:
    """How many documents search_memory returns."""
    return int(spec.get("memory_top_k", MEMORY_TOP_K))


def max_steps(spec: Mapping[str, Any]) -> int:
    """LEGION's agent step limit: the scenario's minimum model calls and a margin."""
    return max(10, int(spec.get("min_model_calls", 0)) + 16)


def max_turns(spec: Mapping[str, Any]) -> int:
    """A group chat's turns at most."""
    return int(spec.get("max_turns") or DEFAULT_MAX_TURNS)


def conversation_memory(spec: Mapping[str, Any]) -> bool:
    """A group chat whose participants keep the conversation in the framework's conversation
    memory across turns (the spec's `conversation_memory`, docs/harness.md)."""
    return bool(spec.get("conversation_memory", False))


@dataclass(frozen=True)
class ScenarioBase(Generic[Tool]):
    """A package's `Scenario` extends this with its framework's model object."""

    spec: Spec
    catalogue: dict[str, Tool]
    memory_tool: Tool | None

    @property
    def agents(self) -> list[AgentSpec]:
        agents: list[AgentSpec] = self.spec["agents"]
        return agents

    @property
    def tasks(self) -> list[str]:
        tasks: list[str] = self.spec["tasks"]
        return tasks

    @property
    def expected(self) -> str:
        return str(self.spec["expected"])

    @property
    def pipeline_input(self) -> str:
        """A pipeline's (or fan-out's) initial {{input}}."""
        return str(self.spec.get("pipeline_input", ""))

    @property
    def runs_at_once(self) -> int:
        return int(self.spec["runs_at_once"])

    @property
    def max_iterations(self) -> int:
        return int(self.spec["max_iterations"])

    @property
    def checker_feedback(self) -> str:
        return str(self.spec["checker_feedback"])

    @property
    def human_replies(self) -> list[str]:
        replies: list[str] = self.spec["human_replies"]
        return replies

    @property
    def python(self) -> str:
        """The virtualenv's python, for generated code."""
        return str(self.spec["python"])

    @property
    def max_steps(self) -> int:
        return max_steps(self.spec)

    @property
    def max_turns(self) -> int:
        return max_turns(self.spec)

    @property
    def conversation_memory(self) -> bool:
        return conversation_memory(self.spec)

    def tools_of(self, agent: AgentSpec, extra_tools: tuple[Tool, ...] = ()) -> list[Tool]:
        """The agent's own tools, then `extra_tools` (LEGION's order)."""
        return own_tools(agent, self.catalogue, self.memory_tool) + list(extra_tools)

    async def aclose(self) -> None:
        """Releases what the scenario holds on the runner's event loop (an HTTP client)."""
