"""A package's runner table and the `build()` driver every package's `build` goes through:
which patterns it implements (so which scenarios it supports), which runner a spec gets, the
versions its results are reported under.

The table follows one layout, the same in every package: the pattern P (and code execution) is
the module `<package>.P` and its runner the class named after it (`fan_out` -> `fan_out.py`,
`FanOutRunner`); a pattern without its module is not implemented. The modules are imported
when the table is made, at the package's import, so building a runner imports nothing."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Mapping
from importlib.metadata import version as distribution_version
from typing import Any, Generic, TypeVar

from .endpoint import endpoint
from .runner import Runner
from .runs import unsupported
from .spec import ScenarioBase, Spec

S = TypeVar("S", bound=ScenarioBase[Any])

# LEGION's patterns (adapters/scenario.hpp, Pattern), and the runner of a spec with
# `execute_code`.
PATTERNS = (
    "single",
    "pipeline",
    "hierarchy",
    "group_chat",
    "consensus",
    "fan_out",
    "iterative",
    "human",
    "concurrent",
)
CODE_EXECUTION = "code_execution"


def runner_class_name(module: str) -> str:
    """`fan_out` -> `FanOutRunner`."""
    return "".join(part.title() for part in module.split("_")) + "Runner"


class RunnerTable(Generic[S]):
    def __init__(
        self,
        package: str,
        framework: str,
        distributions: tuple[str, ...],
        overrides: Mapping[str, Callable[[S], Runner]] | None = None,
        http_support: Callable[[], str | None] | None = None,
    ) -> None:
        """`package`: the package's `__name__`; `framework`: its name in reasons ("pattern 'x'
        is not implemented for FRAMEWORK"); `distributions`: the installed distributions whose
        versions results are reported under; `overrides`: a runner other than the module's
        class, by pattern; `http_support`: why the framework cannot run over HTTP, or None."""
        self.framework = framework
        self.distributions = distributions
        self.http_support = http_support
        self.runners: dict[str, Callable[[S], Runner]] = dict(overrides or {})
        for name in (*PATTERNS, CODE_EXECUTION):
            module = f"{package}.{name}"
            if name not in self.runners and importlib.util.find_spec(module) is not None:
                self.runners[name] = getattr(
                    importlib.import_module(module), runner_class_name(name)
                )
        self.patterns = [name for name in PATTERNS if name in self.runners]

    def version(self) -> str:
        """The framework versions the results are reported under."""
        return ", ".join(f"{name} {distribution_version(name)}" for name in self.distributions)

    def support(self, spec: Spec) -> str | None:
        """None when the scenario can run, else why not."""
        reason = unsupported(spec, self.patterns, self.framework)
        if reason is None and spec.get("execute_code") and CODE_EXECUTION not in self.runners:
            reason = f"code execution is not implemented for {self.framework}"
        return reason

    def build(self, spec: Spec, scenario: Callable[[], S]) -> Runner:
        """The spec's runner over `scenario()`, made only for a supported spec; an unsupported
        one raises ValueError("unsupported: REASON")."""
        reason = self.support(spec)
        if endpoint(spec) is not None and self.http_support is not None:
            reason = self.http_support() or reason
        if reason is not None:
            raise ValueError(f"unsupported: {reason}")
        made = scenario()
        return self.runners[CODE_EXECUTION if spec.get("execute_code") else spec["pattern"]](made)
