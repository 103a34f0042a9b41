#pragma once
// Results written to a file or to standard output must have reached it: a stream buffers, so a
// full disk (or /dev/full) shows only at flush or close, which nobody checks by default, and
// the command would exit 0 leaving an empty file. Header-only, like json_input.hpp, so the
// CLI's store commands use it without linking the runtime.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <ostream>
#include <string>
#include <string_view>

#include "legion/error.hpp"

namespace legion {

// Writes `text` to `path` (replacing it), flushes and closes; Error "cannot write PATH (No
// space left on device)" when any of it fails.
inline void write_text_file(const std::string& path, std::string_view text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (file) file.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (file) file.flush();
  if (file) file.close();
  if (!file) {
    throw Error("cannot write " + path + " (" + (errno ? std::strerror(errno) : "write failed") +
                ")");
  }
}

// Writes `text` to `out` and flushes it; Error "cannot write to WHAT (...)" when it fails.
inline void write_text(std::ostream& out, std::string_view text, const std::string& what) {
  errno = 0;
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.flush();
  if (!out) {
    throw Error("cannot write to " + what + " (" + (errno ? std::strerror(errno) : "write failed") +
                ")");
  }
}

}  // namespace legion
