#pragma once
// A run that cannot go on: bad input (an unknown framework, a malformed file, a budget too small
// for one sample of every row) or a failed step (legion-bench crashed, legion-compare failed).
// The message is one line; legion-driver prints it and exits 2.
#include <stdexcept>

namespace legion::driver {

class DriverError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace legion::driver
