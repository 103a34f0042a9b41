#include "json_log.hpp"

#include <chrono>
#include <ctime>

#include "legion/error.hpp"

namespace legion::cli {
namespace {

const char* name(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "?";
}

// RFC 3339 in UTC with milliseconds: sortable as text, what log shippers expect.
std::string timestamp() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch());
  std::time_t seconds = static_cast<std::time_t>(ms.count() / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(text + n, sizeof text - n, ".%03dZ", static_cast<int>(ms.count() % 1000));
  return text;
}

}  // namespace

LogLevel parse_log_level(const std::string& text) {
  for (auto level : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError}) {
    if (text == name(level)) return level;
  }
  throw ConfigError("--log-level: unknown level '" + text + "' (debug, info, warn, error)");
}

JsonLog::JsonLog(std::ostream& out, LogLevel min_level, nlohmann::json common)
    : out_(out), min_level_(min_level), common_(std::move(common)) {}

void JsonLog::log(LogLevel level, std::string_view event, nlohmann::json fields) {
  if (!enabled(level)) return;
  // Ordered: ts, level and event lead every line, as a reader scans them.
  nlohmann::ordered_json line = {{"ts", timestamp()}, {"level", name(level)}, {"event", event}};
  for (const auto& [key, value] : common_.items()) line[key] = value;
  for (const auto& [key, value] : fields.items()) line[key] = value;
  // Replace, not throw, on invalid UTF-8 in an error text: a log line must always be written.
  std::string text = line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  std::lock_guard lock(mutex_);
  out_ << text << '\n' << std::flush;
}

}  // namespace legion::cli
