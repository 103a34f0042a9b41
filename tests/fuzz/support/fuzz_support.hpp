#pragma once
// What every fuzz target shares: the oracle (the documented error type is fine; anything
// else escaping a parser is a finding, like a sanitizer report). The targets hand their input
// to the in-memory parse each file loader calls after its read, so no execution touches the
// disk (a scratch file per execution cost more than some parsers).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <typeinfo>

namespace legion::fuzz {

// Reports an exception a parser must not let out, and aborts: libFuzzer keeps the input.
[[noreturn]] inline void unexpected(const std::exception& error) {
  std::fprintf(stderr, "fuzz: unexpected exception %s: %s\n", typeid(error).name(), error.what());
  std::abort();
}

// Runs `body`; an exception of one of the Expected types is bad input reported properly
// (the tools print it as one line), any other exception is a bug: it would reach the user as
// raw C++ exception text, so it aborts the run like a crash and libFuzzer keeps the input.
template <class... Expected, class Body>
void expect_only(Body&& body) {
  try {
    body();
  } catch (const std::exception& error) {
    if ((... || (dynamic_cast<const Expected*>(&error) != nullptr))) return;
    unexpected(error);
  } catch (...) {
    std::fprintf(stderr, "fuzz: unexpected non-standard exception\n");
    std::abort();
  }
}

// Fails the run when a property of the parser does not hold.
inline void require(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "fuzz: property violated: %s\n", what);
  std::abort();
}

}  // namespace legion::fuzz
