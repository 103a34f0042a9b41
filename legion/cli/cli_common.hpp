#pragma once
// What the store commands share: the --store option, the read-only store options, the checks
// on text that ends up stored, and the JSON views of the store's records that status, verify,
// export and `tasks` print.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "legion/store/task_store.hpp"

namespace legion::cli {

// The bound on a task's attempts (--max-attempts, a task line's "max_attempts").
inline constexpr int kMaxAttempts = 1000;

// --store URL, defaulting to $LEGION_STORE, else sqlite://legion.db.
void add_store_option(CLI::App& command, std::string& url);

// For the commands that only read (status, verify, export, tasks list/audit): a
// write-protected store can be inspected, and nothing is created where there is no store
// (docs/durability.md).
store::StoreOptions read_only();

// Text that is stored and exported as JSON must be UTF-8 (legion/utf8.hpp): ConfigError
// "OPTION: not valid UTF-8" otherwise.
void require_utf8(const std::string& value, const std::string& option);

// The text as JSON when it parses (within the nesting limit, legion/json_input.hpp), else as a
// JSON string.
nlohmann::json parse_or_string(const std::string& text);

nlohmann::json to_json(const store::Stats& stats);
nlohmann::json to_json(const store::Ledger& ledger);
nlohmann::json to_json(const store::Task& task);
nlohmann::json to_json(const store::AuditEntry& entry);

}  // namespace legion::cli
