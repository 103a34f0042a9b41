#pragma once

#include <stdexcept>

namespace legion::compare {

// Bad input to legion-compare (a missing or malformed file, a file without a framework, an
// unknown baseline): the message is one line naming the file and the problem, and the CLI exits
// with status 2. Statistics errors arrive as stats::StatsError and are treated the same way.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace legion::compare
