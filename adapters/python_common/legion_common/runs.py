"""Scenario-level rules shared by the adapter packages: how a chat ends, how concurrent runs
are reported, which patterns a package supports."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

TERMINATE = "TERMINATE"


def concurrent_answer(answers: Iterable[str]) -> str:
    """The answer of N independent runs: the first, or LEGION's report of a diverging run."""
    answers = list(answers)
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
