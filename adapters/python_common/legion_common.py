"""What every Python framework's adapter package shares: LEGION's own semantics, written once.

No framework is imported here: the wording of an agent's system prompt, the order of its
tools, the schemas and texts of the tools LEGION's runtime provides (search_memory,
ask_human, delegate), how votes are read and counted, how concurrent runs are reported, and
which patterns a package supports. Each package (adapters/<framework>/) wraps these in its
framework's idiom; the C++ adapter puts this folder on sys.path for every one of them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any, TypeVar

AgentSpec = dict[str, Any]
T = TypeVar("T")

TERMINATE = "TERMINATE"
VOTE_MARKER = "VOTE:"


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


def own_tools(agent: AgentSpec, catalogue: Mapping[str, T], memory_tool: T | None) -> list[T]:
    """The agent's tools in LEGION's order: its catalogue tools, then search_memory."""
    tools = [catalogue[name] for name in agent.get("tools", []) if name != "search_memory"]
    if "search_memory" in agent.get("tools", []):
        if memory_tool is None:
            raise ValueError(f"agent '{agent['name']}' uses search_memory without a corpus")
        tools.append(memory_tool)
    return tools


def format_documents(hits: Iterable[tuple[str, str]]) -> str:
    """LEGION's search_memory text for (id, text) hits, best first."""
    lines = [f"[{doc_id}] {text}" for doc_id, text in hits]
    return "\n".join(lines) if lines else "no documents found"


def parse_vote(answer: str) -> str:
    """The text after the last "VOTE:", trimmed of whitespace (and trailing dots)."""
    at = answer.rfind(VOTE_MARKER)
    if at >= 0:
        answer = answer[at + len(VOTE_MARKER) :]
    return answer.lstrip(" \t\r\n").rstrip(" \t\r\n.")


def majority(votes: list[str]) -> str:
    """The most voted option if more than half voted for it, else ""; ties go to the
    smallest option, as LEGION's ordered tally resolves them."""
    tally = Counter(votes)
    winner = min(tally, key=lambda option: (-tally[option], option))
    return winner if tally[winner] >= len(votes) // 2 + 1 else ""


def concurrent_answer(answers: Sequence[str]) -> str:
    """The common answer of concurrent runs, or LEGION's report of the first diverging run."""
    for index, other in enumerate(answers):
        if other != answers[0]:
            return f"run {index} answered '{other}'"
    return answers[0]


def unsupported(spec: Mapping[str, Any], patterns: Collection[str], framework: str) -> str | None:
    """None when a package implementing `patterns` can run the scenario, else why not."""
    pattern = spec["pattern"]
    if pattern not in patterns:
        return f"pattern '{pattern}' is not implemented for {framework}"
    if spec.get("execute_code") and pattern != "single":
        return f"code execution in the '{pattern}' pattern is not implemented for {framework}"
    return None
