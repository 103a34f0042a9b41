"""What every Python adapter package shares: LEGION's scenario semantics that no framework
idiom changes (how a vote is read and tallied, how generated code runs, LEGION's agent
introduction, which patterns a package supports). Pure Python, no framework imports; the
C++ PythonAdapter puts adapters/python_common on sys.path next to the package's folder."""

from .code import first_fenced_block, run_python
from .runs import agreed_answer, introduction, own_tools, support_reason
from .votes import majority, parse_vote

__all__ = [
    "agreed_answer",
    "first_fenced_block",
    "introduction",
    "majority",
    "own_tools",
    "parse_vote",
    "run_python",
    "support_reason",
]
