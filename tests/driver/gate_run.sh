#!/usr/bin/env bash
# The run-quality gate on real processes: legion-driver compares LEGION and direct on
# simple_task. `disturbed`: a CPU hog on every core runs while each of direct's processes runs;
# the run must be flagged and exit 3, naming direct's processes (LEGION's may be named too on
# a machine that is busy anyway: that is not what this checks). `quiet`: no hog; the run must
# pass (exit 0), which needs a quiet machine (label bench-quiet, not in scripts/test).
#   tests/driver/gate_run.sh BIN_DIR disturbed|quiet
set -euo pipefail
bin="$1" mode="$2"
work="$(mktemp -d "${TMPDIR:-/tmp}/legion-gate-XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin"
ln -s "$bin/legion-compare" "$work/bin/legion-compare"
cat >"$work/bin/legion-bench" <<EOF
#!/usr/bin/env bash
# legion-bench; in mode disturbed, with a busy loop on every core while direct runs.
hogs=()
if [ "$mode" = disturbed ] && [[ " \$* " == *" --framework=direct "* ]]; then
  for _ in \$(seq "\$(nproc)"); do ( while :; do :; done ) & hogs+=(\$!); done
fi
rc=0
"$bin/legion-bench" "\$@" || rc=\$?
[ \${#hogs[@]} -eq 0 ] || kill "\${hogs[@]}"
exit \$rc
EOF
chmod +x "$work/bin/legion-bench"

rc=0
"$bin/legion-driver" --bin "$work/bin" --out "$work/run" --framework direct \
  --scenario '^simple_task$' --budget 2m --cold-starts 3 --looks 1 --min-time 0.2 \
  >"$work/out.txt" 2>"$work/err.txt" || rc=$?
fail() { echo "gate_run $mode: $*"; echo "--- stdout"; cat "$work/out.txt"; echo "--- stderr"; cat "$work/err.txt"; exit 1; }
case "$mode" in
  disturbed)
    [ "$rc" -eq 3 ] || fail "expected exit 3 (disturbed), got $rc"
    head -n 2 "$work/out.txt" | grep -q '^RUN DISTURBED' || fail "the summary does not open with RUN DISTURBED"
    grep -q '^  direct\.[0-9]*\.json (other processes used' "$work/out.txt" || fail "direct's processes are not named"
    grep -q '"disturbed": true' "$work/run/run.json" || fail "run.json does not say disturbed"
    ;;
  quiet)
    [ "$rc" -eq 0 ] || fail "expected exit 0 (a quiet machine passes), got $rc"
    grep -q '"disturbed": false' "$work/run/run.json" || fail "run.json says disturbed"
    ;;
  *) echo "usage: gate_run.sh BIN_DIR disturbed|quiet" >&2; exit 2 ;;
esac
echo "gate_run $mode: ok"
