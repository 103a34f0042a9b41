"""legion-stress and scripts/bench write the report at the end by default, not with
--no-report, and a failing report changes neither tool's exit status. The hooks run the report
through $LEGION_REPORT, here a wrapper adding --no-pdf (test_page checks the PDF), which
records that it ran."""
import json
import os
import shutil

from support import BIN, DATA, ROOT, TempDirTest, run

FILES = ("report.html", "report.json")
SCENARIO = ROOT / "tests" / "load_tests" / "baseline.json"


class Hook(TempDirTest):
    def setUp(self):
        super().setUp()
        self.wrapper = self.tmp / "report-no-pdf"
        self.wrapper.write_text(f'#!/bin/sh\necho "$@" > "{self.tmp}/ran"\n'
                                f'exec "{ROOT}/scripts/report" "$@" --no-pdf\n')
        self.wrapper.chmod(0o755)
        self.env = {"LEGION_REPORT": str(self.wrapper)}


class Stress(Hook):
    def stress(self, *extra, env=None):
        return run([BIN / "legion-stress", "run", SCENARIO, "--time-scale", "0.002", "--quiet",
                    "--out", self.tmp / "out", *extra], env=env or self.env)

    def test_writes_the_report_by_default(self):
        r = self.stress()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual((self.tmp / "ran").read_text().split(), [str(self.tmp / "out"), "--quiet"])
        for name in FILES:
            self.assertTrue((self.tmp / "out" / name).is_file(), name)
        summary = json.loads((self.tmp / "out" / "summary.json").read_text())
        self.assertGreaterEqual(summary["host"]["logical_cpus"], 1)
        self.assertIn("--time-scale", summary["command"])
        self.assertTrue(r.stdout.startswith("PASS baseline"), r.stdout)  # stdout: verdicts only

    def test_no_report(self):
        r = self.stress("--no-report")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertFalse((self.tmp / "ran").exists())
        self.assertFalse(any((self.tmp / "out" / n).exists() for n in FILES))

    def test_a_failed_report_leaves_the_verdict(self):
        r = self.stress(env={"LEGION_REPORT": "/bin/false"})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("the report failed (exit status 1); the verdicts above stand", r.stderr)


class Bench(Hook):
    def setUp(self):
        super().setUp()
        fake = self.tmp / "bin"
        fake.mkdir()
        shutil.copy(DATA / "compare" / "fake-legion-bench", fake / "legion-bench")
        for exe in ("legion-microbench", "legion-stats-bench", "legion-bridge-bench",
                    "legion-stress-bench"):
            shutil.copy(DATA / "compare" / "fake-micro-bench", fake / exe)
        for exe in ("legion-compare", "legion-stats", "legion-driver"):
            os.symlink(BIN / exe, fake / exe)
        self.env |= {"LEGION_BENCH_NO_SETUP": "1", "LEGION_BIN_DIR": str(fake),
                    "LEGION_RUNS_DIR": str(self.tmp / "runs"),
                    "LEGION_FAKE_FIXTURES": str(DATA / "compare")}

    def bench(self, *extra):
        r = run([ROOT / "scripts" / "bench", "--framework", "slow", "--processes", "2",
                 "--no-micro", *extra], env=self.env)
        self.assertEqual(r.returncode, 0, r.stderr)
        return next((self.tmp / "runs").iterdir())

    def test_writes_the_report_by_default(self):
        d = self.bench()
        for name in FILES:
            self.assertTrue((d / name).is_file(), name)

    def test_no_report(self):
        d = self.bench("--no-report")
        self.assertFalse((self.tmp / "ran").exists())
        self.assertFalse(any((d / n).exists() for n in FILES))


if __name__ == "__main__":
    import unittest
    unittest.main()
