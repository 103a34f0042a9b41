#!/usr/bin/env python3
"""clang-tidy over the given sources, in parallel, skipping a source whose inputs are unchanged
since it was last found clean (scripts/lint, lint_cpp).

  clang_tidy_cached.py ROOT BUILD_DIR JOBS HEADER_FILTER SOURCE...

A source's inputs: its compile command (paths relative to ROOT), every file it includes (the
build's dependency log, `ninja -t deps`: the content of the project's files, the size and time
of system headers), .clang-tidy, the header filter and clang-tidy's version. A clean result is
recorded under $LEGION_LINT_CACHE (default ~/.cache/legion-lint/clang-tidy) as an empty file
named by the hash of those inputs; a source with findings is never recorded, so it is checked
again every run. Prints the diagnostics; exit 1 when any source has findings, 2 on bad input.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import os
import shlex

# Tools of the build: ninja, clang-tidy, argv lists.
import subprocess  # nosec B404
import sys
from pathlib import Path


def die(message: str) -> None:
    print(f"clang_tidy_cached: error: {message}", file=sys.stderr)
    sys.exit(2)


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
    try:
        entries = json.loads((build / "compile_commands.json").read_text())
    except (OSError, ValueError) as error:
        die(f"{build / 'compile_commands.json'}: {error}")
    commands: dict[str, list[str]] = {}
    for entry in entries:  # a source built by several targets: its first command
        commands.setdefault(str(Path(entry["file"]).resolve()), shlex.split(entry["command"]))
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

    def tidy(source: str) -> tuple[str, int, str]:
        # Argv list; sources from the build's database.
        run = subprocess.run(  # nosec B603 B607
            ["clang-tidy", "-p", str(build), "--quiet", f"--header-filter={header_filter}", source],
            capture_output=True,
            text=True,
            check=False,
        )
        return source, run.returncode, run.stdout + run.stderr

    failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(jobs, 1)) as pool:
        for source, status, output in pool.map(tidy, stale):
            lines = [
                line
                for line in output.splitlines()
                if line
                and not line.endswith("generated.")
                and not line.startswith("Suppressed ")
                and not line.startswith("Use -header-filter")
            ]
            if status == 0 and not any(": warning:" in x or ": error:" in x for x in lines):
                if (k := keys[source]) is not None:
                    (cache / k).touch()
            else:
                failed += 1
                print("\n".join(lines) if lines else f"{source}: clang-tidy exit {status}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
