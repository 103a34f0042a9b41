#include "stats/json_input.hpp"

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

}  // namespace stats
