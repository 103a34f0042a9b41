#pragma once
// The report at the end of a run: legion-stress runs the source tree's `scripts/report` (a
// Python program in the project's virtualenv, docs/reports.md) on its output directory, so a
// run leaves report.html, report.pdf and report.json beside its JSON. The report reads only
// the JSON already written; it never changes the run's verdicts or exit status: a missing
// script or a failed report is one line on `err`.
#include <filesystem>
#include <iosfwd>
#include <string>

namespace stress {

// The report command: $LEGION_REPORT when set, else <source tree>/scripts/report.
std::filesystem::path report_command();

// Runs `command DIR [--quiet]` with its stdout sent to our stderr (stdout keeps the PASS/FAIL
// lines); returns whether it exited 0. Any failure is described on `err`.
bool write_report(const std::filesystem::path& command, const std::filesystem::path& out_dir,
                  bool quiet, std::ostream& err);

}  // namespace stress
