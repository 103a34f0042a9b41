#pragma once
// What the store commands share: the --store option, and the JSON views of the store's
// records that status, verify, export and `tasks` print.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "legion/store/task_store.hpp"

namespace legion::cli {

// --store URL, defaulting to $LEGION_STORE, else sqlite://legion.db.
void add_store_option(CLI::App& command, std::string& url);

// The text as JSON when it parses, else as a JSON string.
nlohmann::json parse_or_string(const std::string& text);

nlohmann::json to_json(const store::Stats& stats);
nlohmann::json to_json(const store::Ledger& ledger);
nlohmann::json to_json(const store::Task& task);
nlohmann::json to_json(const store::AuditEntry& entry);

}  // namespace legion::cli
