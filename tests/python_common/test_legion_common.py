"""legion_common's skeleton of the adapter packages (adapters/python_common/legion_common): the
spec accessors, the runner table and build() driver, the event-loop runner. Pure Python, run by
both virtualenvs (.venv and .venv-openai-agents): every package imports it. PYTHONPATH holds
adapters/python_common, as the harness's sys.path does (tests/CMakeLists.txt)."""

from __future__ import annotations

import asyncio
import sys
import tempfile
import textwrap
import unittest
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from legion_common import (
    MEMORY_TOP_K,
    LoopRunner,
    RunnerTable,
    RunResult,
    ScenarioBase,
    conversation_memory,
    max_steps,
    max_tokens,
    max_turns,
    memory_top_k,
)


@dataclass(frozen=True)
class Scenario(ScenarioBase[str]):
    model: str = "model"


def scenario(**spec: Any) -> Scenario:
    return Scenario(
        {"agents": [{"name": "a", "tools": ["add"]}], "tasks": ["t"], **spec}, {"add": "ADD"}, None
    )


class SpecAccessors(unittest.TestCase):
    def test_defaults_are_legions(self) -> None:
        self.assertEqual(memory_top_k({}), MEMORY_TOP_K)
        self.assertEqual(memory_top_k({"memory_top_k": 5}), 5)
        self.assertEqual(max_steps({}), 16)
        self.assertEqual(max_steps({"min_model_calls": 100}), 116)
        self.assertEqual(max_turns({}), 10)
        self.assertEqual(max_turns({"max_turns": 4}), 4)
        self.assertFalse(conversation_memory({}))
        self.assertTrue(conversation_memory({"conversation_memory": True}))

    def test_the_endpoints_reply_cap(self) -> None:
        base = {"base_url": "http://127.0.0.1:1", "model": "m"}
        self.assertIsNone(max_tokens(base))  # none sent: the server's own limit
        self.assertEqual(max_tokens({**base, "max_tokens": 128}), 128)

    def test_scenario_reads_the_spec(self) -> None:
        s = scenario(runs_at_once=8, human_replies=["yes"], max_turns=0)
        self.assertEqual(s.runs_at_once, 8)
        self.assertEqual(s.human_replies, ["yes"])
        self.assertEqual(s.max_turns, 10)  # 0 means unset, as LEGION's chat
        self.assertEqual(s.pipeline_input, "")
        self.assertEqual(s.tools_of(s.agents[0], ("EXTRA",)), ["ADD", "EXTRA"])


class Table(unittest.TestCase):
    """A package laid out as the table expects: pattern P in module P, class <P>Runner."""

    _dir: tempfile.TemporaryDirectory[str]

    @classmethod
    def setUpClass(cls) -> None:
        cls._dir = tempfile.TemporaryDirectory()
        package = Path(cls._dir.name) / "fake_framework"
        package.mkdir()
        (package / "__init__.py").write_text("")
        for module in ("single", "group_chat", "code_execution"):
            name = "".join(part.title() for part in module.split("_")) + "Runner"
            (package / f"{module}.py").write_text(
                textwrap.dedent(f"""
                class {name}:
                    def __init__(self, scenario):
                        self.scenario = scenario
                    def run(self):
                        return {{"answer": "{module}", "transcripts": []}}
                    def close(self):
                        pass
            """)
            )
        sys.path.insert(0, cls._dir.name)

    @classmethod
    def tearDownClass(cls) -> None:
        sys.path.remove(cls._dir.name)
        cls._dir.cleanup()

    def table(self, **options: Any) -> RunnerTable[Scenario]:
        return RunnerTable[Scenario]("fake_framework", "Fake", ("nothing-installed",), **options)

    def build(self, table: RunnerTable[Scenario], **spec: Any) -> str:
        return table.build(spec, lambda: scenario(**spec)).run()["answer"]

    def test_the_modules_are_the_patterns(self) -> None:
        table = self.table()
        self.assertEqual(table.patterns, ["single", "group_chat"])
        self.assertIsNone(table.support({"pattern": "group_chat"}))
        self.assertEqual(
            table.support({"pattern": "fan_out"}), "pattern 'fan_out' is not implemented for Fake"
        )
        self.assertEqual(self.build(table, pattern="single"), "single")
        self.assertEqual(self.build(table, pattern="single", execute_code=True), "code_execution")

    def test_an_unsupported_spec_builds_nothing(self) -> None:
        made: list[Scenario] = []

        def make() -> Scenario:
            made.append(scenario())
            return made[-1]

        with self.assertRaisesRegex(ValueError, r"^unsupported: pattern 'fan_out'"):
            self.table().build({"pattern": "fan_out"}, make)
        self.assertEqual(made, [])

    def test_an_override_picks_by_spec_field(self) -> None:
        def chat(s: Scenario) -> Any:
            return self.table().runners["single" if s.conversation_memory else "group_chat"](s)

        table = self.table(overrides={"group_chat": chat})
        self.assertEqual(
            self.build(table, pattern="group_chat", conversation_memory=True), "single"
        )
        self.assertEqual(self.build(table, pattern="group_chat"), "group_chat")

    def test_http_support_is_asked_only_over_http(self) -> None:
        table = self.table(http_support=lambda: "over HTTP: no client")
        self.assertEqual(self.build(table, pattern="single"), "single")
        with self.assertRaisesRegex(ValueError, "^unsupported: over HTTP: no client$"):
            table.build({"pattern": "single", "endpoint": {"base_url": "x"}}, lambda: scenario())


class Loop(unittest.TestCase):
    def test_close_releases_the_scenario_and_what_is_left_scheduled(self) -> None:
        closed: list[str] = []

        @dataclass(frozen=True)
        class Holding(Scenario):
            async def aclose(self) -> None:
                closed.append("scenario")

        class Runner(LoopRunner[Holding]):
            async def _build(self, scenario: Holding) -> None:
                self.built = asyncio.get_running_loop()

            async def _run(self) -> RunResult:
                self.left = asyncio.get_running_loop().create_task(asyncio.sleep(3600))
                return {"answer": "ran", "transcripts": []}

        runner = Runner(Holding({"agents": [], "tasks": []}, {}, None))
        self.assertEqual(runner.run()["answer"], "ran")
        self.assertEqual(runner.run()["answer"], "ran")  # the same loop, run again
        runner.close()
        self.assertEqual(closed, ["scenario"])
        self.assertTrue(runner.left.cancelled())
        self.assertTrue(runner.built.is_closed())


if __name__ == "__main__":
    unittest.main()
