"""What every Python adapter package shares: LEGION's scenario semantics that no framework
idiom changes - the prompts and tool texts a model sees (prompts), how votes are read and
tallied (votes), how generated code runs (code), how runs end and are reported (runs). Pure
Python, no framework imports; the C++ PythonAdapter puts adapters/python_common on sys.path
next to each package's folder."""

from .code import first_fenced_block, run_python
from .endpoint import api_key, endpoint, v1_url
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
from .runs import TERMINATE, concurrent_answer, unsupported
from .votes import majority, parse_vote

__all__ = [
    "ASK_HUMAN_SPEC",
    "DELEGATE_SPEC",
    "SEARCH_MEMORY_SPEC",
    "TERMINATE",
    "AgentSpec",
    "api_key",
    "concurrent_answer",
    "endpoint",
    "first_fenced_block",
    "format_documents",
    "introduction",
    "majority",
    "own_tools",
    "parse_vote",
    "run_python",
    "system_prompt",
    "unsupported",
    "v1_url",
]
