#!/usr/bin/env python3
"""clang-tidy over the given sources, in parallel, skipping a source whose inputs are unchanged
since it was last found clean (scripts/lint, lint_tidy).

  clang_tidy_cached.py ROOT BUILD_DIR JOBS HEADER_FILTER SOURCE...

A source's inputs: its compile command (paths relative to ROOT), every file it includes (the
build's dependency log, `ninja -t deps`: the content of the project's files, the size and time
of system headers), .clang-tidy, the header filter and clang-tidy's version. A clean result is
recorded under $LEGION_LINT_CACHE (default ~/.cache/legion-lint/clang-tidy) as an empty file
named by the hash of those inputs; a source with findings is never recorded, so it is checked
again every run. Prints the diagnostics; exit 1 when any source has findings, 2 on bad input.

Sources to check that share one compile command (one target's, or one test folder's) are
checked together, up to 16 of them in one clang-tidy process: the first is the main file and
the others are added with `-include`. Most of a source's cost is the standard library and the
third-party headers it includes (parsed, then every check walks their declarations), so a
group pays that once instead of once per source. Diagnostics in the included sources are
reported because the header filter matches them. A source that defines a program's entry point
(main, BENCHMARK_MAIN, a fuzz target) is checked alone; a group whose sources do not compile as
one (two define the same internal name) is split in halves until each part does.
$LEGION_TIDY_GROUP (default 16) sets the group size; 1 checks one source per process.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import os
import re
import shlex

# Tools of the build: ninja, clang-tidy, argv lists.
import subprocess  # nosec B404
import sys
from pathlib import Path

DIAGNOSTIC = re.compile(r"(^|: )(warning|error): ")
# A program's entry point: two in one group never compile, so such a source is checked alone.
ENTRY_POINT = re.compile(
    r"^\s*int\s+main\s*\(|\bBENCHMARK_MAIN\s*\(|\bLLVMFuzzerTestOneInput\s*\(", re.MULTILINE
)
# bugprone-suspicious-include on a group's own `-include SOURCE.cpp` (no file location).
GROUP_INCLUDE = re.compile(r"^(warning|error): suspicious #include of file with '\.cpp' extension")


def die(message: str) -> None:
    print(f"clang_tidy_cached: error: {message}", file=sys.stderr)
    sys.exit(2)


def group_size() -> int:
    """Sources per clang-tidy process: a failed group costs one more pass over it, and JOBS
    processes need that many groups. LEGION_TIDY_GROUP=1 checks each source alone."""
    value = os.environ.get("LEGION_TIDY_GROUP") or "16"
    if not value.isdigit() or int(value) < 1:
        die(f"LEGION_TIDY_GROUP={value!r}: not a whole number >= 1")
    return int(value)


def object_of(command: list[str]) -> str | None:
    for i, arg in enumerate(command[:-1]):
        if arg == "-o":
            return command[i + 1]
    return None


def read_deps(build: Path, objects: list[str]) -> dict[str, list[str]]:
    """Object -> the files it was compiled from (ninja's dependency log of the last build)."""
    # Ninja from PATH, as the build uses it.
    out = subprocess.run(  # nosec B603 B607
        ["ninja", "-C", str(build), "-t", "deps", *objects],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    deps: dict[str, list[str]] = {}
    current = None
    for line in out.splitlines():
        if not line.strip():
            current = None
        elif not line.startswith(" "):
            current = line.split(":", 1)[0]
            deps[current] = []
        elif current is not None:
            deps[current].append(line.strip())
    return deps


class Fingerprints:
    def __init__(self, root: Path, build: Path) -> None:
        self.root, self.build = root, build
        self.cache: dict[str, str] = {}

    def of(self, path: str) -> str:
        if path not in self.cache:
            full = Path(path) if os.path.isabs(path) else self.build / path
            full = full.resolve()
            try:
                if full.is_relative_to(self.root):
                    digest = hashlib.sha256(full.read_bytes()).hexdigest()
                    self.cache[path] = f"{full.relative_to(self.root)}:{digest}"
                else:
                    st = full.stat()
                    self.cache[path] = f"{full}:{st.st_size}:{st.st_mtime_ns}"
            except OSError:
                self.cache[path] = f"{path}:missing"
        return self.cache[path]


def main() -> int:
    if len(sys.argv) < 5:
        die("usage: clang_tidy_cached.py ROOT BUILD_DIR JOBS HEADER_FILTER SOURCE...")
    root, build = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    jobs, header_filter, sources = int(sys.argv[3]), sys.argv[4], sys.argv[5:]
    size = group_size()
    try:
        entries = json.loads((build / "compile_commands.json").read_text())
    except (OSError, ValueError) as error:
        die(f"{build / 'compile_commands.json'}: {error}")
    commands: dict[str, list[str]] = {}
    directories: dict[str, Path] = {}
    for entry in entries:  # a source built by several targets: its first command
        source = str(Path(entry["file"]).resolve())
        if source not in commands:
            commands[source] = shlex.split(entry["command"])
            directories[source] = Path(entry["directory"])
    wanted = [str((root / s).resolve()) for s in sources]
    todo = [s for s in wanted if s in commands]  # sources the build compiles

    # Clang-tidy from PATH, as scripts/lint checks.
    version = subprocess.run(  # nosec B603 B607
        ["clang-tidy", "--version"], capture_output=True, text=True, check=False
    ).stdout
    config = (root / ".clang-tidy").read_bytes()
    relative_filter = header_filter.replace(str(root), "<root>")
    deps = read_deps(build, [o for s in todo if (o := object_of(commands[s]))])
    prints = Fingerprints(root, build)
    cache = Path(
        os.environ.get("LEGION_LINT_CACHE")
        or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        / "legion-lint"
        / "clang-tidy"
    )
    cache.mkdir(parents=True, exist_ok=True)

    def key(source: str) -> str | None:
        obj = object_of(commands[source])
        if obj not in deps or not deps[obj]:
            return None  # no dependency log (not built yet): always check
        h = hashlib.sha256()
        for part in (
            version,
            config.decode(errors="replace"),
            relative_filter,
            " ".join(commands[source]).replace(str(root), "<root>"),
        ):
            h.update(part.encode() + b"\0")
        for dep in sorted(deps[obj]):
            h.update(prints.of(dep).encode() + b"\0")
        return h.hexdigest()

    keys = {s: key(s) for s in todo}
    stale = [s for s in todo if (k := keys[s]) is None or not (cache / k).exists()]
    print(
        f"clang-tidy: {len(stale)} of {len(todo)} sources to check "
        f"({len(todo) - len(stale)} unchanged since found clean)",
        file=sys.stderr,
    )

    def flags(source: str) -> list[str]:
        """A source's compiler arguments, without the compiler, -c, -o and the source."""
        args, skip = [], False
        for arg in commands[source][1:]:
            if skip:
                skip = False
            elif arg == "-o":
                skip = True
            elif arg != "-c" and str((directories[source] / arg).resolve()) != source:
                args.append(arg)
        return args

    def run(group: list[str]) -> tuple[int, list[str]]:
        includes = [f"-include{source}" for source in group[1:]]
        # Argv list; sources and flags from the build's database.
        done = subprocess.run(  # nosec B603 B607
            ["clang-tidy", "--quiet", f"--header-filter={header_filter}", group[0], "--"]
            + flags(group[0])
            + includes,
            capture_output=True,
            text=True,
            check=False,
            cwd=directories[group[0]],
        )
        lines, grouped = [], False
        for line in (done.stdout + done.stderr).splitlines():
            if GROUP_INCLUDE.match(line):
                grouped = True
            elif grouped and line.startswith("note: did you mean to include"):
                pass
            elif (
                line
                and not line.endswith("generated.")
                and not line.startswith("Suppressed ")
                and not line.startswith("Use -header-filter")
                and not line.startswith("Error while processing")
            ):
                lines.append(line)
        # Exit 1 is clang-tidy's for a warning as error: the group's own, when nothing is left.
        status = 0 if done.returncode == 1 and grouped else done.returncode
        return status, lines

    def tidy(group: list[str]) -> list[tuple[list[str], bool, list[str]]]:
        """(sources, clean, diagnostics) for the group, split where it does not compile as one."""
        status, lines = run(group)
        if len(group) > 1 and any("[clang-diagnostic-error]" in line for line in lines):
            half = len(group) // 2
            return tidy(group[:half]) + tidy(group[half:])
        found = any(DIAGNOSTIC.search(line) for line in lines)
        if status == 0 and not found:
            return [(group, True, [])]
        return [(group, False, lines or [f"{' '.join(group)}: clang-tidy exit {status}"])]

    by_flags: dict[tuple[str, ...], list[str]] = {}
    for source in stale:
        alone = ENTRY_POINT.search(Path(source).read_text(errors="replace"))
        together = (source,) if alone else ()
        by_flags.setdefault((*together, str(directories[source]), *flags(source)), []).append(
            source
        )
    groups = [same[i : i + size] for same in by_flags.values() for i in range(0, len(same), size)]
    groups.sort(key=len, reverse=True)  # the longest first: the pool ends together
    print(f"clang-tidy: {len(groups)} processes", file=sys.stderr)

    failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(jobs, 1)) as pool:
        # As each finishes: an interrupted run keeps the clean groups it recorded.
        for done in concurrent.futures.as_completed([pool.submit(tidy, g) for g in groups]):
            for sources, clean, lines in done.result():
                if clean:
                    for source in sources:
                        if (k := keys[source]) is not None:
                            (cache / k).touch()
                else:
                    failed += 1
                    print("\n".join(lines))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
