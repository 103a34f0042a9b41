#pragma once
// Structured logs for the long-running commands (`legion worker`): one JSON object per line
// on stderr, {"ts": "2026-12-04T10:00:00.123Z", "level": "info", "event": "...", ...fields},
// so a log shipper reads them without a parser of its own. Thread-safe; a line is written
// and flushed whole.
#include <mutex>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <string_view>

namespace legion::cli {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

// "debug", "info", "warn", "error"; ConfigError for anything else.
LogLevel parse_log_level(const std::string& text);

class JsonLog {
 public:
  JsonLog(std::ostream& out, LogLevel min_level, nlohmann::json common = nlohmann::json::object());
  bool enabled(LogLevel level) const { return level >= min_level_; }
  void log(LogLevel level, std::string_view event,
           nlohmann::json fields = nlohmann::json::object());
  void debug(std::string_view event, nlohmann::json fields = nlohmann::json::object()) {
    log(LogLevel::kDebug, event, std::move(fields));
  }
  void info(std::string_view event, nlohmann::json fields = nlohmann::json::object()) {
    log(LogLevel::kInfo, event, std::move(fields));
  }
  void warn(std::string_view event, nlohmann::json fields = nlohmann::json::object()) {
    log(LogLevel::kWarn, event, std::move(fields));
  }
  void error(std::string_view event, nlohmann::json fields = nlohmann::json::object()) {
    log(LogLevel::kError, event, std::move(fields));
  }

 private:
  std::mutex mutex_;
  std::ostream& out_;
  LogLevel min_level_;
  nlohmann::json common_;  // fields on every line (the worker id)
};

}  // namespace legion::cli
