"""scripts/feature-matrix: the committed matrix is what the data makes, every piece of evidence
exists, and bad data is refused with one line."""
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import unittest

SOURCE = pathlib.Path(os.environ.get("LEGION_SOURCE_DIR",
                                      pathlib.Path(__file__).resolve().parents[2]))
SCRIPT = SOURCE / "scripts" / "feature-matrix"
DATA = SOURCE / "benchmarks" / "feature_comparison.json"


def cell(score, *evidence):
    return {"score": score, "note": "n.", "evidence": list(evidence)}


class FeatureMatrix(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = pathlib.Path(self.tmp.name)

    def tearDown(self):
        self.tmp.cleanup()

    def run_script(self, data, *args):
        path = self.dir / "data.json"
        path.write_text(json.dumps(data))
        return subprocess.run([sys.executable, str(SCRIPT), "--data", str(path),
                               "--out", str(self.dir / "out.md"), *args],
                              capture_output=True, text=True, timeout=60)

    def data(self, legion, other):
        return {"frameworks": [{"id": "legion", "name": "LEGION"}, {"id": "x", "name": "X"}],
                "scale": {"0": "no", "3": "yes"},
                "categories": [{"name": "Core capabilities", "rows": [
                    {"capability": "tools", "cells": {"legion": legion, "x": other}}]}]}

    def test_the_committed_matrix_is_current_and_its_evidence_exists(self):
        r = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        matrix = json.loads(DATA.read_text())
        self.assertEqual([c["name"] for c in matrix["categories"]], [
            "Core capabilities", "Agent features", "Memory systems", "Observability",
            "Scalability", "Integration options", "Self-improvement", "Enterprise features"])
        self.assertEqual([f["id"] for f in matrix["frameworks"]], [
            "legion", "langchain", "crewai", "autogen", "agent_framework", "openai_agents"])

    def test_writes_the_table_and_the_evidence(self):
        r = self.run_script(self.data(cell(3, {"test": "runtime.Agent.RunsAToolThenAnswers"}),
                                      cell(None)))
        self.assertEqual(r.returncode, 0, r.stderr)
        text = (self.dir / "out.md").read_text()
        self.assertIn("| tools | 3 | - |", text)
        self.assertIn("test `runtime.Agent.RunsAToolThenAnswers`", text)
        self.assertEqual(self.run_script(self.data(
            cell(3, {"test": "runtime.Agent.RunsAToolThenAnswers"}), cell(None)),
            "--check").returncode, 0)

    def test_missing_evidence_fails(self):
        for evidence in ({"test": "runtime.Agent.NoSuchTest"}, {"test": "nolabel.A.B"},
                         {"benchmark": "no_such_scenario"}, {"file": "docs/no-such.md"},
                         {"url": "http://not-https.example"}):
            r = self.run_script(self.data(cell(3, evidence), cell(None)))
            self.assertEqual(r.returncode, 1, evidence)
            self.assertIn("not found", r.stderr, evidence)

    def test_a_stale_committed_file_fails_the_check(self):
        data = self.data(cell(0, {"file": "README.md"}), cell(None))
        self.assertEqual(self.run_script(data).returncode, 0)
        data["categories"][0]["rows"][0]["cells"]["legion"]["score"] = 1
        r = self.run_script(data, "--check")
        self.assertEqual(r.returncode, 1)
        self.assertIn("is not what scripts/feature-matrix makes of the data", r.stdout)

    def test_bad_data_exits_2_with_one_line(self):
        cases = [
            (self.data(cell(4, {"file": "README.md"}), cell(None)), "is not 0-3 or null"),
            (self.data(cell(3), cell(None)), "a score needs evidence"),
            (self.data(cell(3, {"paper": "x"}), cell(None)), "is not one of"),
        ]
        missing_cell = self.data(cell(None), cell(None))
        del missing_cell["categories"][0]["rows"][0]["cells"]["x"]
        cases.append((missing_cell, "cells for ['legion']"))
        for data, message in cases:
            r = self.run_script(data)
            self.assertEqual(r.returncode, 2, message)
            self.assertIn(message, r.stderr)
            self.assertEqual(len(r.stderr.strip().splitlines()), 1)
        path = self.dir / "broken.json"
        path.write_text("{")
        r = subprocess.run([sys.executable, str(SCRIPT), "--data", str(path)],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 2)
        self.assertIn("broken.json", r.stderr)


if __name__ == "__main__":
    unittest.main()
