#pragma once
// JSON that a person or another program wrote (workflow specs, task files, stored payloads,
// scenario and stress configs, script-call arguments): parsed with a nesting limit. nlohmann's
// parser itself does not recurse, but copying, dumping, comparing and hashing a value do, once
// per level: a document nested ~90k levels deep overflows the stack (SIGSEGV) in whatever
// touches it next. No real document comes near the limit. Header-only, so the store and the
// CLI's store commands use it without linking the runtime.
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <string_view>

#include "legion/error.hpp"

namespace legion {

inline constexpr std::size_t kMaxJsonDepth = 512;

// The parsed value, or a one-line reason in `error` ("nested deeper than 512 levels", "not
// valid JSON: parse error at line 1, column 3: ...").
struct ParsedJson {
  nlohmann::json value;
  std::string error;
  bool too_deep = false;  // the error is the nesting limit, not the syntax
  bool ok() const { return error.empty(); }
};

ParsedJson parse_json(std::string_view text, std::size_t max_depth = kMaxJsonDepth);

// Where `text` opens more than `max_depth` nested arrays or objects: the byte offset of the
// bracket that does, else std::string_view::npos. Linear; does not validate the rest.
std::size_t json_too_deep_at(std::string_view text, std::size_t max_depth = kMaxJsonDepth);

// Calls visit(offset, bracket) for each '[', ']', '{' and '}' of `text` outside strings, until
// it returns false; returns that offset, or std::string_view::npos when the text ran out.
template <class Visit>
std::size_t scan_json_brackets(std::string_view text, Visit&& visit);

// A whole regular file. ConfigError "PATH: cannot open (No such file or directory)", "PATH: is
// a directory", "PATH: cannot read (...)".
std::string read_text_file(const std::string& path);

// --- implementation ----------------------------------------------------------------------

template <class Visit>
std::size_t scan_json_brackets(std::string_view text, Visit&& visit) {
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if ((c == '[' || c == '{' || c == ']' || c == '}') && !visit(i, c)) {
      return i;
    }
  }
  return std::string_view::npos;
}

inline std::size_t json_too_deep_at(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  return scan_json_brackets(text, [&](std::size_t, char c) {
    if (c == '[' || c == '{') return ++depth <= max_depth;
    if (depth > 0) --depth;
    return true;
  });
}

inline ParsedJson parse_json(std::string_view text, std::size_t max_depth) {
  ParsedJson out;
  if (json_too_deep_at(text, max_depth) != std::string_view::npos) {
    out.error = "nested deeper than " + std::to_string(max_depth) + " levels";
    out.too_deep = true;
    return out;
  }
  try {
    out.value = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& error) {
    // Not only parse_error: a number out of double range ("1e999") is out_of_range.406.
    // "[json.exception.parse_error.101] parse error at ...": the tag says nothing to a reader.
    std::string what = error.what();
    if (const auto tag = what.find("] "); what.front() == '[' && tag != std::string::npos) {
      what.erase(0, tag + 2);
    }
    out.error = "not valid JSON: " + what;
  }
  return out;
}

inline std::string read_text_file(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) throw ConfigError(path + ": is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path + ": cannot open (" + std::strerror(errno) + ")");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ConfigError(path + ": cannot read (" + std::strerror(errno) + ")");
  return text.str();
}

}  // namespace legion
