#include "legion/store/store_url.hpp"

#include <charconv>

#include "legion/error.hpp"

namespace legion::store {

std::string StoreUrl::take(const std::string& name, const std::string& fallback) {
  auto it = params.find(name);
  if (it == params.end()) return fallback;
  std::string value = it->second;
  params.erase(it);
  return value;
}

std::optional<std::int64_t> StoreUrl::take_integer(const std::string& name, std::int64_t min,
                                                   std::int64_t max, const std::string& expected) {
  const std::string text = take(name, "");
  if (text.empty()) return std::nullopt;
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    throw ConfigError("store url: " + name + " must be " + expected + ", not '" + text + "'");
  }
  return value;
}

void StoreUrl::reject_unknown() const {
  if (!params.empty()) {
    throw ConfigError("store url: unknown parameter '" + params.begin()->first + "' for " + scheme);
  }
}

StoreUrl parse_store_url(const std::string& url) {
  auto colon = url.find("://");
  if (colon == std::string::npos) throw ConfigError("store url: no scheme in '" + url + "'");
  StoreUrl parsed;
  parsed.scheme = url.substr(0, colon);
  std::string rest = url.substr(colon + 3);
  auto question = rest.find('?');
  parsed.location = rest.substr(0, question);
  if (question == std::string::npos) return parsed;
  std::string query = rest.substr(question + 1);
  std::size_t start = 0;
  while (start <= query.size()) {
    auto amp = query.find('&', start);
    std::string item = query.substr(start, amp == std::string::npos ? amp : amp - start);
    if (!item.empty()) {
      auto eq = item.find('=');
      if (eq == std::string::npos) throw ConfigError("store url: parameter '" + item + "' needs =");
      parsed.params[item.substr(0, eq)] = item.substr(eq + 1);
    }
    if (amp == std::string::npos) break;
    start = amp + 1;
  }
  return parsed;
}

}  // namespace legion::store
