"""CrewAI imported offline, in a directory of its own; the package's first import, before any
module that imports crewai (once imported, crewai is not imported again).

The C++ side already set telemetry, tracing, version check and python-dotenv off
(python_bridge/src/interpreter.cpp, offline_environment()); CrewAI's storage (it creates its
data directory at import, under the current directory's name) goes to a temporary directory
removed at exit, and CREWAI_TESTING keeps the first-run tracing prompt off stdin. CrewAI is
imported from inside that directory: chromadb, which crewai imports, reads its settings from
the current directory's `.env` (pydantic settings, not python-dotenv), and the directory
legion-bench runs in is anyone's.
"""

from __future__ import annotations

import atexit
import importlib
import os
import shutil
import tempfile
from types import ModuleType

STORAGE = tempfile.mkdtemp(prefix="legion-crewai-")
atexit.register(shutil.rmtree, STORAGE, ignore_errors=True)
# An absolute CREWAI_STORAGE_DIR makes db_storage_path() that directory itself.
os.environ["CREWAI_STORAGE_DIR"] = STORAGE
for _name, _value in {
    "CREWAI_TESTING": "true",
    "CREWAI_DISABLE_TELEMETRY": "true",
    "CREWAI_TRACING_ENABLED": "false",
    "CREWAI_DISABLE_VERSION_CHECK": "true",
    "OTEL_SDK_DISABLED": "true",
    "PYTHON_DOTENV_DISABLED": "1",
}.items():
    os.environ.setdefault(_name, _value)


def _import_crewai() -> ModuleType:
    cwd = os.getcwd()
    os.chdir(STORAGE)
    try:
        return importlib.import_module("crewai")
    finally:
        os.chdir(cwd)


CREWAI = _import_crewai()
