# Shared helpers for the scripts in this folder; sourced, not run.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }
die() { printf '%s: error: %s\n' "$(basename "$0")" "$*" >&2; exit 2; }
jobs_count() { nproc 2>/dev/null || echo 2; }

# Configure (once) and build one preset. Reconfiguring on every call would cost seconds.
build_preset() {
  local preset="$1"; shift
  if [ ! -f "$ROOT/build/$preset/CMakeCache.txt" ]; then
    log "configuring preset $preset"
    cmake --preset "$preset" -S "$ROOT" >/dev/null || die "cmake configure failed for preset $preset"
  fi
  log "building preset $preset"
  cmake --build "$ROOT/build/$preset" -j "$(jobs_count)" "$@" || die "build failed for preset $preset"
}

# The report (scripts/report: report.html, report.pdf, report.json) of a finished run
# directory, written into it; a failed report is logged and changes no exit status.
# LEGION_NO_REPORT=1 skips it (the scripts' own tests); $LEGION_REPORT replaces the command,
# as for legion-stress.
write_report() {
  [ "${LEGION_NO_REPORT:-0}" != 1 ] || return 0
  "${LEGION_REPORT:-$ROOT/scripts/report}" "$1" >&2 \
    || log "the report failed (status $?); the results stand"
}
