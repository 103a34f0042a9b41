#pragma once
// The legion-industry command line (a thin main calls this):
//   legion-industry tpc --framework NAME [--time-scale F] [--seed N] --out DIR [...]
//   legion-industry academic --framework NAME --suite S [--task ID]... [--out DIR]
//   legion-industry enterprise --framework NAME [--documents N] [--time-scale F] [--out DIR]
//   legion-industry scalability --framework NAME [--instances 1,2,4,8] [--threads 1,2,4,8]
//                               [--pg-url URL] [--out DIR]
//   legion-industry worker ...   (internal: a horizontal-scaling worker process)
// Exit status: 0 the benchmark ran (also when the framework is reported unsupported);
// 1 it ran but failed: no sustainable rate, a wrong answer, a utility check or an audit that
// failed, a verdict breached; 2 bad input (unknown flag, framework, class or suite, a value out
// of range), one line on stderr.
#include <iosfwd>

namespace industry {

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace industry
