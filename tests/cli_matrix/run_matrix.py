#!/usr/bin/env python3
"""The CLI matrix (docs/validation.md, "CLI matrix"): runs the cases of cases.json for one tool
and checks each against the command-line contract of the project:

- the documented exit status (the case's "exit");
- on failure, exactly one line on stderr that names the problem (the case's "stderr" regex);
- never a crash (a signal, a sanitizer report), a hang (the case's "timeout", 60 s by default),
  a raw C++ exception text (`what():`, `terminate called`, `basic_filebuf`, `std::`) or a
  Python traceback;
- and every flag the tool's --help lists (of each subcommand too) appears in one of its cases,
  so a new flag without a case fails the matrix.

Usage: run_matrix.py --bin DIR --source DIR [--tool NAME]... [--list] [--json FILE]
Exit status: 0 every case passed, 1 a case failed, 2 bad usage or a malformed cases.json.
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Text that must never reach a user: an uncaught C++ exception, a libstdc++ message, a Python
# traceback, a sanitizer's report.
FORBIDDEN = re.compile(rb"terminate called|what\(\):|basic_(file|i|o)?(stream|filebuf)|std::|"
                       rb"Traceback \(most recent call last\)|AddressSanitizer|runtime error:|"
                       rb"Segmentation fault|core dumped|Aborted")
NOBODY = 65534


def fail(message):
    print(f"run_matrix: error: {message}", file=sys.stderr)
    sys.exit(2)


def fixtures(tmp, spec):
    """The files the cases refer to as {tmp}/NAME: a directory, malformed and non-UTF-8 JSON, an
    unreadable file, and the tool's own fixtures from cases.json."""
    (tmp / "dir").mkdir()
    (tmp / "dir" / "inner.json").write_text("{}")
    (tmp / "malformed.json").write_text('{"name": ')
    (tmp / "array.json").write_text("[1, 2]")
    (tmp / "empty.json").write_text("")
    (tmp / "nonutf8.json").write_bytes(b'{"name": "\xff\xfe"}\n')
    (tmp / "huge_number.json").write_text('{"name": 1e999}')
    unreadable = tmp / "unreadable.json"
    unreadable.write_text("{}")
    unreadable.chmod(0)
    for name, content in spec.get("fixtures", {}).items():
        path = tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content)
        else:
            path.write_text("".join(json.dumps(line) + "\n" for line in content))


def expand(arg, where):
    """An argument of a case as bytes: {tmp}, {src}, {bin} replaced; {nonutf8} is the bytes
    FF FE (not UTF-8, which a JSON case file cannot hold)."""
    text = arg
    for key, value in where.items():
        text = text.replace("{" + key + "}", str(value))
    return text.encode().replace(b"{nonutf8}", b"\xff\xfe")


def tool_path(tool, bin_dir, source):
    if tool.startswith("scripts/"):
        return source / tool
    return bin_dir / tool


def run(argv, env, timeout, as_nobody=False):
    if as_nobody and os.geteuid() == 0:
        # root reads a mode-000 file anyway: the unreadable cases run as nobody.
        argv = [b"setpriv", b"--reuid", str(NOBODY).encode(), b"--regid", str(NOBODY).encode(),
                b"--clear-groups", b"--"] + argv
    # A session of its own: a hang is killed with everything it started (a script's children).
    with subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, start_new_session=True) as process:
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            out, err = process.communicate()
            return None, out, err
        return process.returncode, out, err


def check_case(case, argv, code, out, err):
    """The problems of one case's outcome (empty: it passed)."""
    problems = []
    if code is None:
        return [f"hang: no exit within {case.get('timeout', 60)} s"]
    if code < 0:
        problems.append(f"killed by signal {-code}")
    if code != case["exit"]:
        problems.append(f"exit {code}, expected {case['exit']}")
    if FORBIDDEN.search(err) or FORBIDDEN.search(out):
        problems.append("raw exception, traceback or crash text in the output")
    if case["exit"] != 0 and not case.get("multiline", False):
        lines = [line for line in err.split(b"\n") if line.strip()]
        if len(lines) != 1:
            problems.append(f"{len(lines)} lines on stderr, expected one")
    if "stderr" in case and not re.search(case["stderr"].encode(), err):
        problems.append(f"stderr does not match {case['stderr']!r}")
    if "stdout" in case and not re.search(case["stdout"].encode(), out):
        problems.append(f"stdout does not match {case['stdout']!r}")
    return problems


def help_flags(spec, tool, bin_dir, source, env):
    """Every --flag the tool's help (and each listed subcommand's) prints."""
    flags = set()
    if not spec.get("help", True):
        return flags
    for prefix in [[]] + [sub.split() for sub in spec.get("subcommands", [])]:
        argv = [str(tool_path(tool, bin_dir, source))] + prefix + ["--help"]
        code, out, err = run([a.encode() for a in argv], env, 60)
        if code != 0:
            fail(f"{tool} {' '.join(prefix)} --help: exit {code}: {err.decode(errors='replace')}")
        for flag in re.findall(rb"(?<![\w-])--[a-z][a-z0-9-]*(?:_[a-z0-9]+)*", out + err):
            flags.add(flag.decode())
    skip = set(spec.get("flags_not_own", []))
    return {f for f in flags if f != "--help" and f not in skip}


def run_tool(tool, spec, bin_dir, source, base_env, summary):
    problems = 0
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="cli-matrix-"))
    tmp.chmod(0o755)  # nobody (the unreadable cases) must reach the other fixtures
    try:
        fixtures(tmp, spec)
        where = {"tmp": tmp, "src": source, "bin": bin_dir}
        env = dict(base_env)
        for key, value in spec.get("env", {}).items():
            env[key] = value.format(**where)
        for setup in spec.get("setup", []):
            argv = [expand(a, where) for a in setup]
            code, _, err = run(argv, env, 120)
            if code != 0:
                fail(f"{tool}: setup {setup}: exit {code}: {err.decode(errors='replace')}")
        covered = set()
        for case in spec["cases"]:
            args = [expand(a, where) for a in case["args"]]
            for a in args:
                match = re.match(rb"--[a-z][a-z0-9_-]*", a)
                if match:
                    covered.add(match.group(0).decode())
            argv = [str(tool_path(tool, bin_dir, source)).encode()] + args
            case_env = dict(env)
            for key, value in case.get("env", {}).items():
                case_env[key] = value.format(**where)
            code, out, err = run(argv, case_env, case.get("timeout", 60),
                                 as_nobody=any(b"unreadable" in a for a in args))
            found = check_case(case, argv, code, out, err)
            name = f"{tool}: {case['name']}"
            if found:
                problems += 1
                print(f"FAIL {name}: {'; '.join(found)}")
                print(f"     argv: {b' '.join(argv).decode(errors='replace')}")
                print(f"     stderr: {err.decode(errors='replace')[:600]!r}")
            else:
                print(f"ok   {name}")
        listed = help_flags(spec, tool, bin_dir, source, env)
        missing = sorted(listed - covered)
        if missing:
            problems += 1
            print(f"FAIL {tool}: flags in --help without a case: {' '.join(missing)}")
        print(f"{tool}: {len(spec['cases'])} cases, {len(covered)} flags exercised, "
              f"{problems} failed")
        summary.append({"tool": tool, "cases": len(spec["cases"]),
                        "success_cases": sum(1 for c in spec["cases"] if c["exit"] == 0),
                        "flags_exercised": len(covered), "flags_in_help": len(listed),
                        "subcommands": len(spec.get("subcommands", [])), "failed": problems,
                        "seconds": round(time.monotonic() - started, 2)})
    finally:
        (tmp / "unreadable.json").chmod(0o600)
        shutil.rmtree(tmp, ignore_errors=True)
    return problems


def main():
    parser = argparse.ArgumentParser(description="the CLI matrix (docs/validation.md)")
    parser.add_argument("--bin", required=True, type=Path, help="the build's bin directory")
    parser.add_argument("--source", required=True, type=Path, help="the source tree")
    parser.add_argument("--cases", type=Path, default=HERE / "cases.json")
    parser.add_argument("--tool", action="append", help="only this tool (repeatable)")
    parser.add_argument("--list", action="store_true", help="list the tools and case counts")
    parser.add_argument("--json", type=Path, help="write the per-tool counts to FILE")
    options = parser.parse_args()
    try:
        table = json.loads(options.cases.read_text())
    except (OSError, ValueError) as error:
        fail(f"{options.cases}: {error}")
    tools = options.tool or list(table)
    unknown = [t for t in tools if t not in table]
    if unknown:
        fail(f"unknown tool {unknown[0]!r} (cases.json has: {', '.join(table)})")
    if options.list:
        for tool in tools:
            print(f"{tool}\t{len(table[tool]['cases'])}")
        return 0
    env = dict(os.environ, LEGION_BIN_DIR=str(options.bin), LANG="C.UTF-8",
               PYTHONDONTWRITEBYTECODE="1")
    summary = []
    failed = sum(run_tool(t, table[t], options.bin, options.source.resolve(), env, summary)
                 for t in tools)
    if options.json:
        options.json.write_text(json.dumps(
            {"command": " ".join(sys.argv), "load": os.getloadavg(), "tools": summary,
             "cases": sum(t["cases"] for t in summary), "failed": failed}, indent=1) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
