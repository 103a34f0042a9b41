#include "cli_common.hpp"

#include <cstdlib>

#include "legion/error.hpp"
#include "legion/json_input.hpp"
#include "legion/utf8.hpp"

namespace legion::cli {

using nlohmann::json;

void add_store_option(CLI::App& command, std::string& url) {
  const char* env = std::getenv("LEGION_STORE");
  url = env ? env : "sqlite://legion.db";
  command
      .add_option("--store", url, "store URL: sqlite://PATH or postgresql://... (env LEGION_STORE)")
      ->capture_default_str();
}

store::StoreOptions read_only() {
  store::StoreOptions options;
  options.read_only = true;
  return options;
}

void require_utf8(const std::string& value, const std::string& option) {
  if (!valid_utf8(value)) throw ConfigError(option + ": not valid UTF-8");
}

json parse_or_string(const std::string& text) {
  ParsedJson value = parse_json(text);
  return value.ok() ? std::move(value.value) : json(text);
}

json to_json(const store::Stats& s) {
  return {{"queued", s.queued}, {"leased", s.leased}, {"done", s.done},
          {"failed", s.failed}, {"dead", s.dead},     {"cancelled", s.cancelled},
          {"total", s.total()}};
}

json to_json(const store::Ledger& l) {
  return {{"accepted", l.accepted},
          {"done", l.done},
          {"dead", l.dead},
          {"cancelled", l.cancelled},
          {"pending", l.pending},
          {"effects", l.effects},
          {"lost", l.lost},
          {"unexpected", l.unexpected},
          {"duplicated", l.duplicated},
          {"retries", l.retries},
          {"cancels", l.cancels},
          {"ok", l.ok()}};
}

json to_json(const store::Task& t) {
  return {{"id", t.id},
          {"key", t.key},
          {"state", store::to_string(t.state)},
          {"attempts", t.attempts},
          {"max_attempts", t.max_attempts},
          {"lease_expiries", t.expiries},
          {"payload", parse_or_string(t.payload)},
          {"result", t.result.empty() ? json(nullptr) : parse_or_string(t.result)},
          {"error", t.error}};
}

json to_json(const store::AuditEntry& a) {
  return {{"seq", a.seq},      {"at_ms", a.at_ms}, {"action", a.action},
          {"task", a.task_id}, {"key", a.key},     {"from", a.from_state},
          {"to", a.to_state},  {"actor", a.actor}, {"reason", a.reason}};
}

}  // namespace legion::cli
