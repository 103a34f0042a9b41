#pragma once
// The legion-stress command line (a thin main calls this):
//   legion-stress run PATH|NAME... [--time-scale F] [--seed N] [--out DIR] [--pg-url URL]
//                                  [--legion-bin PATH] [--quiet] [--no-report]
//   legion-stress list [PATH...]
// Exit status: 0 every verdict passed; 1 a threshold was breached or a scenario could not run;
// 2 bad input (unknown flag, malformed config naming file and field, unknown scenario or path),
// reported on one line on stderr. After a run the report (scripts/report) is written into
// --out unless --no-report; its failure is one line on stderr and changes no exit status.
#include <iosfwd>

namespace stress {

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace stress
