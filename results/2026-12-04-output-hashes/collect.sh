#!/usr/bin/env bash
# collect.sh BENCH OUTDIR: every framework's legion-bench --seed=99, hot/concurrency/cold rows,
# min time; writes OUTDIR/<fw>.json and OUTDIR/hashes.tsv (framework, benchmark, label|error).
set -u
bench="$1"; out="$2"; mkdir -p "$out"
export LEGION_VENV=/work/main/.venv LEGION_VENV_OPENAI_AGENTS=/work/main/.venv-openai-agents
for fw in legion direct langchain crewai autogen agent_framework openai_agents; do
  start=$(date +%s)
  nice -n 19 "$bench" --framework=$fw --seed=99 --benchmark_min_time=0.001 \
    --benchmark_filter='/(hot|concurrency|cold_start)(/|$)' \
    --benchmark_out="$out/$fw.json" --benchmark_out_format=json >"$out/$fw.stdout" 2>"$out/$fw.stderr"
  echo "$fw exit $? $(( $(date +%s) - start ))s" >> "$out/status.txt"
done
python3 - "$out" <<'PY'
import json, sys, pathlib
out = pathlib.Path(sys.argv[1]); rows = []
for f in sorted(out.glob("*.json")):
    d = json.loads(f.read_text())
    for b in d["benchmarks"]:
        v = ("ERROR " + b["error_message"]) if b.get("error_occurred") else b.get("label", "")
        rows.append(f"{f.stem}\t{b.get('run_name', b['name'])}\t{v}")
(out / "hashes.tsv").write_text("\n".join(sorted(rows)) + "\n")
PY
