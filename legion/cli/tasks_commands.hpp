#pragma once
// `legion tasks list|retry|cancel|audit`: the operator's hold on dead letters and stuck work.
// retry and cancel go through the store's audited operations (TaskStore::retry / cancel): one
// transaction with an audit row per changed task, counted by `legion verify`.
#include "store_commands.hpp"

namespace legion::cli {

void add_tasks_commands(CLI::App& app, CliIo io, CliState& state);

}  // namespace legion::cli
