#pragma once
// A store URL split into scheme, location and the query parameters the back-ends read.
// Parameters the back-end does not know are an error, so a typo never silently falls back
// to a default (e.g. `synchronus=normal` running with FULL).
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace legion::store {

struct StoreUrl {
  std::string scheme;    // "sqlite", "postgresql"
  std::string location;  // sqlite: the file path; postgresql: the URI without our parameters
  std::map<std::string, std::string> params;

  // Removes and returns a parameter, or `fallback` when absent.
  std::string take(const std::string& name, const std::string& fallback);
  // Removes and parses a whole-number parameter in [min, max]; nullopt when absent.
  // ConfigError "store url: NAME must be EXPECTED, not 'TEXT'" otherwise.
  std::optional<std::int64_t> take_integer(const std::string& name, std::int64_t min,
                                           std::int64_t max, const std::string& expected);
  // ConfigError naming the first parameter nobody took.
  void reject_unknown() const;
};

StoreUrl parse_store_url(const std::string& url);

}  // namespace legion::store
