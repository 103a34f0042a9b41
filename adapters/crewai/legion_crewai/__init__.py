"""LEGION Bench scenarios written the CrewAI way.

The C++ harness imports this package inside its embedded interpreter (where the
`legion_bridge` module exists) and calls `support`, `build`, then `run` on the runner any
number of times. One module per concept: the LLM, tools, retrieval, message conversion, and
one module per pattern.

Offline before CrewAI is imported: the C++ side already set telemetry, tracing, version check
and python-dotenv off (python_bridge/src/interpreter.cpp, offline_environment()); CrewAI's
storage (it creates its data directory at import, under the current directory's name) goes
to a temporary directory removed at exit, and CREWAI_TESTING keeps the first-run tracing
prompt off stdin. CrewAI is imported from inside that directory: chromadb, which crewai
imports, reads its settings from the current directory's `.env` (pydantic settings, not
python-dotenv), and the directory legion-bench runs in is anyone's.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

_STORAGE = tempfile.mkdtemp(prefix="legion-crewai-")
atexit.register(shutil.rmtree, _STORAGE, ignore_errors=True)
# An absolute CREWAI_STORAGE_DIR makes db_storage_path() that directory itself.
os.environ["CREWAI_STORAGE_DIR"] = _STORAGE
for _name, _value in {
    "CREWAI_TESTING": "true",
    "CREWAI_DISABLE_TELEMETRY": "true",
    "CREWAI_TRACING_ENABLED": "false",
    "CREWAI_DISABLE_VERSION_CHECK": "true",
    "OTEL_SDK_DISABLED": "true",
    "PYTHON_DOTENV_DISABLED": "1",
}.items():
    os.environ.setdefault(_name, _value)

_cwd = os.getcwd()
os.chdir(_STORAGE)
try:
    import crewai  # noqa: E402, F401  (from a directory without a .env)
finally:
    os.chdir(_cwd)

from collections.abc import Callable  # noqa: E402
from importlib.metadata import version as _package_version  # noqa: E402
from typing import Any  # noqa: E402

from legion_common import endpoint, unsupported  # noqa: E402

from .code_execution import CodeExecutionRunner  # noqa: E402
from .concurrent import ConcurrentRunner  # noqa: E402
from .consensus import ConsensusRunner  # noqa: E402
from .group_chat import GroupChatRunner  # noqa: E402
from .hierarchy import HierarchyRunner  # noqa: E402
from .http_llm import http_llm  # noqa: E402
from .human import HumanRunner  # noqa: E402
from .iterative import IterativeRunner  # noqa: E402
from .llm import LegionLLM  # noqa: E402
from .pipeline import PipelineRunner  # noqa: E402
from .retrieval import SearchMemoryTool  # noqa: E402
from .scenario import Runner, Scenario  # noqa: E402
from .single import SingleRunner  # noqa: E402
from .tools import catalogue_tools  # noqa: E402

__all__ = ["FRAMEWORK_MODULES", "LegionLLM", "SearchMemoryTool", "build", "support", "version"]

FRAMEWORK_MODULES = ["crewai"]

_RUNNERS: dict[str, Callable[[Scenario], Runner]] = {
    "single": SingleRunner,
    "pipeline": PipelineRunner,
    "hierarchy": HierarchyRunner,
    "group_chat": GroupChatRunner,
    "consensus": ConsensusRunner,
    "iterative": IterativeRunner,
    "human": HumanRunner,
    "concurrent": ConcurrentRunner,
}


def version() -> str:
    """The framework version the results are reported under."""
    return f"crewai {_package_version('crewai')}"


def support(spec: dict[str, Any]) -> str | None:
    """None when the scenario can run, else why not."""
    return unsupported(spec, _RUNNERS, "CrewAI")


def build(spec: dict[str, Any], model: Any, tools: Any, memory: Any) -> Runner:
    """Construct the scenario's agents, crews and flows once; run() only kicks them off."""
    reason = support(spec)
    if reason is not None:
        raise ValueError(f"unsupported: {reason}")
    memory_tool = None
    if memory is not None:
        memory_tool = SearchMemoryTool(memory=memory, k=int(spec.get("memory_top_k", 3)))
    # The transport is the harness's choice: the simulated model in-process, or an endpoint.
    served = endpoint(spec)
    llm = LegionLLM(model="legion-simulated", client=model) if served is None else http_llm(served)
    scenario = Scenario(spec, llm, catalogue_tools(tools), memory_tool)
    if spec.get("execute_code"):
        return CodeExecutionRunner(scenario)
    return _RUNNERS[spec["pattern"]](scenario)
