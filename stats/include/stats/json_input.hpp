#pragma once
// JSON input files (benchmark results, targets) parsed with a nesting limit: copying, dumping
// or comparing a parsed value recurses once per level, so a file nested ~90k levels deep would
// overflow the stack in whatever touches it next. The runtime has the same guard
// (legion/json_input.hpp); this module is a leaf, so it keeps its own.
#include <cstddef>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace stats {

inline constexpr std::size_t kMaxJsonDepth = 512;

// Parses `text`; throws StatsError "SOURCE: malformed JSON: ..." (a syntax error) or "SOURCE:
// malformed JSON: nested deeper than 512 levels".
nlohmann::json parse_json_input(std::string_view text, std::string_view source);

// The whole content of an input file; throws StatsError "PATH: no such file", "PATH: is a
// directory", "PATH: not a regular file", "PATH: cannot open (REASON)" or "PATH: cannot read
// (REASON)": each names what is wrong with the path, not just that it did not read.
std::string read_input_file(const std::filesystem::path& path);

}  // namespace stats
