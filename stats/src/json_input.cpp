#include "stats/json_input.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "stats/error.hpp"

namespace stats {
namespace {

// Whether `text` opens more than `max_depth` nested arrays or objects (strings skipped).
bool too_deep(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if ((c == '[' || c == '{') && ++depth > max_depth) {
      return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

}  // namespace

nlohmann::json parse_json_input(std::string_view text, std::string_view source) {
  const std::string where = std::string(source) + ": malformed JSON: ";
  if (too_deep(text, kMaxJsonDepth)) {
    throw StatsError(where + "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    // Not only parse_error: a number out of double range ("1e999") is out_of_range.406. The
    // "[json.exception.parse_error.101] " tag says nothing to a reader.
    std::string what = e.what();
    if (const auto tag = what.find("] "); what.front() == '[' && tag != std::string::npos) {
      what.erase(0, tag + 2);
    }
    throw StatsError(where + what);
  }
}

std::string read_input_file(const std::filesystem::path& path) {
  const std::string source = path.string();
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) throw StatsError(source + ": no such file");
  if (std::filesystem::is_directory(status)) throw StatsError(source + ": is a directory");
  if (!std::filesystem::is_regular_file(status)) throw StatsError(source + ": not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw StatsError(source + ": cannot open (" + std::strerror(errno) + ")");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw StatsError(source + ": cannot read (" + std::strerror(errno) + ")");
  return buffer.str();
}

}  // namespace stats
