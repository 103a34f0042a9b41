"""What every Python adapter package shares: LEGION's scenario semantics that no framework
idiom changes - the prompts and tool texts a model sees (prompts), how votes are read and
tallied (votes), how generated code runs (code), how runs end and are reported (runs); and
the skeleton of every package: the spec's accessors and the framework-free part of its
Scenario (spec), the runner contract and the event-loop runner (runner), the runner table and
the build() driver (package). Pure Python, no framework imports; the C++ PythonAdapter puts
adapters/python_common on sys.path next to each package's folder."""

from .code import first_fenced_block, run_python
from .endpoint import api_key, endpoint, max_tokens, v1_url
from .package import RunnerTable
from .prompts import (
    ASK_HUMAN_SPEC,
    DELEGATE_SPEC,
    SEARCH_MEMORY_SPEC,
    AgentSpec,
    format_documents,
    introduction,
    own_tools,
    system_prompt,
)
from .runner import BridgeMessage, LoopRunner, Runner, RunResult
from .runs import TERMINATE, concurrent_answer, unsupported
from .spec import (
    MEMORY_TOP_K,
    ScenarioBase,
    Spec,
    conversation_memory,
    max_steps,
    max_turns,
    memory_top_k,
)
from .votes import majority, parse_vote

__all__ = [
    "ASK_HUMAN_SPEC",
    "DELEGATE_SPEC",
    "MEMORY_TOP_K",
    "SEARCH_MEMORY_SPEC",
    "TERMINATE",
    "AgentSpec",
    "BridgeMessage",
    "LoopRunner",
    "RunResult",
    "Runner",
    "RunnerTable",
    "ScenarioBase",
    "Spec",
    "conversation_memory",
    "api_key",
    "concurrent_answer",
    "endpoint",
    "first_fenced_block",
    "format_documents",
    "introduction",
    "majority",
    "max_steps",
    "max_tokens",
    "max_turns",
    "memory_top_k",
    "own_tools",
    "parse_vote",
    "run_python",
    "system_prompt",
    "unsupported",
    "v1_url",
]
