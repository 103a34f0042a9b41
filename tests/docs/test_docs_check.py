"""scripts/docs-check on a small tree of its own: each kind of problem it exists to catch is
caught, with the file and line, and the right forms pass."""
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import textwrap
import unittest

SOURCE = pathlib.Path(os.environ.get("LEGION_SOURCE_DIR",
                                      pathlib.Path(__file__).resolve().parents[2]))
CHECK = SOURCE / "scripts" / "docs-check"

DATA = {
    "geometric_means": [
        {"framework": "langchain", "regime": "hot", "ratio": 314.748,
         "ci": {"lower": 305.96, "upper": 323.79}},
        {"framework": "crewai", "regime": "hot", "ratio": 1592.87,
         "ci": {"lower": 1551.0, "upper": 1635.9}},
    ],
    "comparisons": [
        {"framework": "crewai", "benchmark": "simple_task/hot", "mean_ns": 20838707.45,
         "rss_bytes": 86310912.0},
    ],
    "reps": [{"p99_ns": 4955.0}, {"p99_ns": 9551.0}],
}


class DocsCheck(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = pathlib.Path(self.tmp.name)
        (self.root / "docs").mkdir()
        run = self.root / "results" / "run"
        run.mkdir(parents=True)
        (run / "comparison.json").write_text(json.dumps(DATA))
        (run / "targets.txt").write_text(
            "runtime/fanout5/real_time   real_time  5  15212  [13986, 16437]  <= 15000\n")
        (self.root / "docs" / "other.md").write_text("# Other\n\n## Known parts\n\ntext\n")
        self.write("README.md", "# Top\n")

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name, text):
        path = self.root / name
        path.write_text(textwrap.dedent(text))
        return path

    def check(self, mode, *extra):
        return subprocess.run([sys.executable, str(CHECK), mode, "--root", str(self.root), *extra],
                              capture_output=True, text=True, timeout=120)

    def figures(self, text):
        self.write("results/run/README.md", text)
        return self.check("figures")

    def test_right_figures_pass_in_their_units(self):
        r = self.figures("""\
            | hot | [315 [306, 324]](comparison.json#geometric_means[?framework=='langchain'&&regime=='hot'].[ratio,ci.lower,ci.upper]) |
            CrewAI takes [20.8 ms](comparison.json#ns:comparisons[?framework=='crewai'].mean_ns),
            RSS [82.3 MiB](comparison.json#B:comparisons[0].rss_bytes), p99
            [5.0-9.6 us](comparison.json#ns:[min(reps[].p99_ns),max(reps[].p99_ns)]),
            [~21 ms](comparison.json#ns:comparisons[0].mean_ns), fanout5
            [15.2 us [14.0, 16.4]](targets.txt#ns:re:fanout5/real_time\\s+real_time\\s+\\d+\\s+([\\d.]+)\\s+\\[([\\d.]+),\\s([\\d.]+)\\])
            """)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("11 cited figures, 0 problems", r.stdout)

    def test_a_wrong_figure_fails_naming_file_line_and_value(self):
        r = self.figures("text\n[316 [306, 324]](comparison.json#geometric_means[?framework=='langchain'].[ratio,ci.lower,ci.upper])\n")
        self.assertEqual(r.returncode, 1)
        self.assertIn("results/run/README.md:2: [316 [306, 324]]: 316 does not match 314.748", r.stdout)

    def test_a_citation_over_two_lines_is_checked(self):
        r = self.figures("A run takes [20.9\nms](comparison.json#ns:comparisons[0].mean_ns).\n")
        self.assertEqual(r.returncode, 1)
        self.assertIn("README.md:1: [20.9 ms]: 20.9 does not match 20.8387 ms", r.stdout)

    def test_a_rounding_error_fails(self):
        r = self.figures("[1,636](comparison.json#geometric_means[?framework=='crewai'].ci.upper)\n"
                         "[1,635](comparison.json#geometric_means[?framework=='crewai'].ci.upper)\n")
        self.assertEqual(r.returncode, 1)
        self.assertNotIn(":1:", r.stdout)
        self.assertIn(":2: [1,635]: 1635 does not match 1635.9", r.stdout)

    def test_a_unit_mismatch_and_a_wrong_unit_fail(self):
        r = self.figures("[20.8 us](comparison.json#ns:comparisons[0].mean_ns)\n"
                         "[20.8 MiB](comparison.json#ns:comparisons[0].mean_ns)\n")
        self.assertEqual(r.returncode, 1)
        self.assertIn(":1: [20.8 us]: 20.8 does not match 20838.7 us", r.stdout)
        self.assertIn(":2: [20.8 MiB]: 20.8 does not match MiB against a value in ns", r.stdout)

    def test_selectors_that_select_nothing_or_too_much_fail(self):
        r = self.figures("[1](comparison.json#geometric_means[?framework=='autogen'].ratio)\n"
                         "[1](comparison.json#geometric_means[].ratio)\n"
                         "[1](comparison.json#geometric_means[)\n"
                         "[1](targets.txt#re:nothing\\s(\\d+))\n"
                         "[1](targets.txt#re:[unclosed(\\d))\n")
        self.assertEqual(r.returncode, 1)
        for line, what in [(1, "selects nothing"), (2, "quotes 1 numbers, the selector gives 2"),
                           (3, "selector"), (4, "does not match"), (5, "")]:
            self.assertIn(f"README.md:{line}: [1]", r.stdout)
            self.assertIn(what, r.stdout)

    def test_links_sections_and_topics(self):
        self.write("docs/a.md", """\
            # A

            ## Real section

            [ok](other.md#known-parts), [ok](#real-section), [ok](../results/run/targets.txt#L1)
            [gone](missing.md), [no anchor](other.md#unknown-parts), [past end](../results/run/targets.txt#L9)
            See docs/other.md, "Known parts"; docs/other.md, "Unknown parts".
            As before (docs/other.md, known limitation), (docs/other.md, known parts).
            [1 ms](../results/run/comparison.json#comparisons[?framework == 'crewai'].mean_ns)
            """)
        r = self.check("links")
        self.assertEqual(r.returncode, 1)
        out = r.stdout
        self.assertIn("docs/a.md:6: link to missing.md: no such file", out)
        self.assertIn("docs/a.md:6: other.md has no heading #unknown-parts", out)
        self.assertIn("docs/a.md:6: ../results/run/targets.txt has 2 lines, not 9", out)
        self.assertIn('docs/a.md:7: docs/other.md has no section "Unknown parts"', out)
        self.assertIn('docs/a.md:8: docs/other.md never mentions "known limitation"', out)
        self.assertIn("docs/a.md:9: link target", out)
        self.assertIn("holds a space", out)
        self.assertEqual(out.count("docs/a.md:"), 6, out)

    def test_marketing_words_outside_code(self):
        self.write("docs/a.md", "A fast runtime.\n\nA blazing fast, Seamless runtime.\n\n"
                                "`seamless` in code is fine\n")
        r = self.check("words")
        self.assertEqual(r.returncode, 1)
        self.assertIn("docs/a.md:3: marketing word 'blazing'", r.stdout)
        self.assertIn("docs/a.md:3: marketing word 'seamless'", r.stdout)
        self.assertNotIn("docs/a.md:5", r.stdout)

    def test_runnable_blocks_and_their_exit_status(self):
        bin_dir = self.root / "build" / "bin"
        bin_dir.mkdir(parents=True)
        tool = bin_dir / "tool"
        tool.write_text("#!/bin/sh\nexit \"$1\"\n")
        tool.chmod(0o755)
        self.write("docs/a.md", """\
            ```sh runnable
            tool 0
            build/release/bin/tool 0
            ```

            ```sh runnable
            # exit 2
            tool 2
            ```

            ```sh runnable
            tool 3
            ```

            ```sh
            tool 4
            ```
            """)
        r = self.check("run", "--build-dir", str(self.root / "build"))
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("3 runnable blocks, 1 problems", r.stdout)
        self.assertIn("docs/a.md:11: runnable block exited 3, expected 0", r.stdout)

    def test_uncited_lists_figures_outside_citations(self):
        self.write("results/run/README.md", "It took 3.6 ms and [4.4 ms](comparison.json#x), "
                                            "up 12%.\n")
        r = self.check("uncited")
        self.assertEqual(r.returncode, 0)
        self.assertIn("results/run/README.md:1: uncited: 3.6 ms", r.stdout)
        self.assertIn("results/run/README.md:1: uncited: 12%", r.stdout)
        self.assertNotIn("4.4", r.stdout)

    def test_an_output_block_must_match_the_command_in_order(self):
        self.write("docs/a.md", """\
            ```sh runnable
            printf 'a 1\\nb 2\\nc 3\\n'
            ```

            ```text output
            a 1
            ...
            c 3
            ```

            ```sh runnable
            printf 'a 1\\nb 2\\n'
            ```
            ```text output
            b 2
            a 1
            ```
            """)
        r = self.check("run", "--build-dir", str(self.root / "build"))
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("2 runnable blocks, 1 problems", r.stdout)
        self.assertIn("docs/a.md:11: runnable block's output lacks: a 1", r.stdout)

    def test_bad_usage_exits_2(self):
        r = self.check("figures", str(self.root / "nope.md"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("nope.md: no such file", r.stderr)
        r = self.check("frobnicate")
        self.assertEqual(r.returncode, 2)
        latin1 = self.root / "latin1.md"
        latin1.write_bytes(b"caf\xe9\n")
        r = self.check("words", str(latin1))
        self.assertEqual(r.returncode, 2)
        self.assertIn("latin1.md: 'utf-8' codec can't decode", r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1)


if __name__ == "__main__":
    unittest.main()
