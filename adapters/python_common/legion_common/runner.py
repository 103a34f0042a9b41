"""What a package's runner is and hands back to the harness (adapters/python_adapter.cpp):
`run()` -> `RunResult` any number of times, then `close()`. `LoopRunner` is the runner of the
asyncio frameworks: it owns one event loop for its lifetime, builds its agents on it (build
time) and runs each scenario run to completion on it, so every run() reuses the loop."""

from __future__ import annotations

import asyncio
from typing import Any, Generic, Protocol, TypedDict, TypeVar

from .spec import ScenarioBase

# A chat message as the bridge reads it (python_bridge/src/json.cpp, to_messages).
BridgeMessage = dict[str, Any]
S = TypeVar("S", bound=ScenarioBase[Any])


class RunResult(TypedDict, total=False):
    answer: str
    transcripts: list[list[BridgeMessage]]
    metrics: dict[str, float]  # the framework's own figures, published as counters


class Runner(Protocol):
    def run(self) -> RunResult: ...

    def close(self) -> None: ...


class LoopRunner(Generic[S]):
    """Owns the event loop; subclasses build in `_build` and run one scenario run in `_run`."""

    def __init__(self, scenario: S) -> None:
        self._scenario = scenario
        self._loop = asyncio.new_event_loop()
        self._loop.run_until_complete(self._build(scenario))

    async def _build(self, scenario: S) -> None:
        raise NotImplementedError

    async def _run(self) -> RunResult:
        raise NotImplementedError

    def run(self) -> RunResult:
        return self._loop.run_until_complete(self._run())

    def close(self) -> None:
        """Release the scenario's resources on the loop (their connections belong to it), finish
        what the framework left scheduled (closing its runs' async generators), then close."""
        try:
            self._loop.run_until_complete(self._scenario.aclose())
            self._loop.run_until_complete(_cancel_pending())
            self._loop.run_until_complete(self._loop.shutdown_asyncgens())
        finally:
            self._loop.close()


async def _cancel_pending() -> None:
    pending = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
