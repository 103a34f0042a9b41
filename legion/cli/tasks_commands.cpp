#include "tasks_commands.hpp"

#include <unistd.h>

#include <memory>
#include <ostream>

#include "cli_common.hpp"
#include "legion/error.hpp"
#include "legion/store/task_store.hpp"

namespace legion::cli {
namespace {

using nlohmann::json;

store::TaskState state_option(const std::string& text) {
  try {
    return store::task_state_from_string(text);
  } catch (const store::StoreError&) {
    throw ConfigError("--state: unknown state '" + text +
                      "' (queued, leased, done, failed, dead, cancelled)");
  }
}

std::string default_actor() {
  const char* user = std::getenv("USER");
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return std::string(user && *user ? user : "uid" + std::to_string(getuid())) + "@" + host;
}

void add_list(CLI::App& tasks, CliIo io) {
  auto* command = tasks.add_subcommand("list", "list tasks, optionally of one state");
  struct Options {
    std::string url, state;
    int limit = 100;
    bool as_json = false;
  };
  auto options = std::make_shared<Options>();
  add_store_option(*command, options->url);
  command->add_option("--state", options->state,
                      "only this state: queued, leased, done, failed, dead, cancelled");
  command->add_option("--limit", options->limit, "at most N tasks (0: all)")
      ->check(CLI::Range(0, 1'000'000'000))
      ->capture_default_str();
  command->add_flag("--json", options->as_json, "one JSON object per line");
  command->callback([options, io] {
    std::optional<store::TaskState> state;
    if (!options->state.empty()) state = state_option(options->state);
    auto store = store::open_store(options->url, read_only());
    int shown = 0;
    for (std::int64_t after = 0;;) {
      int page_size = options->limit == 0 ? 1000 : std::min(1000, options->limit - shown);
      if (page_size <= 0) break;
      auto page =
          state ? store->list_in_state(*state, after, page_size) : store->list(after, page_size);
      if (page.empty()) break;
      for (const auto& t : page) {
        if (options->as_json) {
          io.out << to_json(t).dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
        } else {
          io.out << t.id << "  " << t.key << "  " << store::to_string(t.state) << "  attempts "
                 << t.attempts << "/" << t.max_attempts;
          if (t.expiries > 0) io.out << "  lease expiries " << t.expiries;
          if (!t.error.empty()) io.out << "  error: " << t.error;
          io.out << "\n";
        }
      }
      shown += static_cast<int>(page.size());
      after = page.back().id;
    }
  });
}

// retry and cancel: KEY... (or every dead letter), one audited store call per 1000 keys.
void add_action(CLI::App& tasks, CliIo io, CliState& state, bool retry) {
  auto* command = tasks.add_subcommand(
      retry ? "retry" : "cancel",
      retry ? "queue dead or cancelled tasks again (a done task is refused: its effect is "
              "recorded)"
            : "give queued, failed, leased or dead tasks up (a worker still running one is "
              "fenced off)");
  struct Options {
    std::string url, reason, actor = default_actor();
    std::vector<std::string> keys;
    bool all_dead = false;
  };
  auto options = std::make_shared<Options>();
  add_store_option(*command, options->url);
  auto* keys = command->add_option("keys", options->keys, "task keys");
  command->add_option("--reason", options->reason, "recorded in the audit log");
  command->add_option("--actor", options->actor, "who asks, recorded in the audit log")
      ->capture_default_str();
  if (retry) {
    command->add_flag("--all-dead", options->all_dead, "every dead letter")->excludes(keys);
  }
  command->callback([options, io, &state, retry] {
    require_utf8(options->reason, "--reason");
    require_utf8(options->actor, "--actor");
    auto store = store::open_store(options->url);
    std::vector<std::string> wanted = options->keys;
    if (options->all_dead) {
      for (std::int64_t after = 0;;) {
        auto page = store->list_in_state(store::TaskState::kDead, after, 1000);
        if (page.empty()) break;
        for (const auto& t : page) wanted.push_back(t.key);
        after = page.back().id;
      }
    } else if (wanted.empty()) {
      throw ConfigError(std::string(retry ? "retry" : "cancel") + ": give task keys" +
                        (retry ? " or --all-dead" : ""));
    }
    int unchanged = 0;
    for (std::size_t start = 0; start < wanted.size(); start += 1000) {
      std::span<const std::string> chunk(wanted.data() + start,
                                         std::min<std::size_t>(1000, wanted.size() - start));
      auto outcomes = retry ? store->retry(chunk, options->actor, options->reason)
                            : store->cancel(chunk, options->actor, options->reason);
      for (const auto& o : outcomes) {
        io.out << o.key << ": ";
        if (!o.before) {
          io.out << "unknown key\n";
        } else if (o.changed) {
          io.out << store::to_string(*o.before) << " -> " << store::to_string(*o.after) << "\n";
        } else {
          io.out << "left " << store::to_string(*o.before);
          if (*o.before == store::TaskState::kDone) {
            io.out << " (its effect is recorded; running it again could only duplicate it)";
          }
          io.out << "\n";
        }
        unchanged += o.changed ? 0 : 1;
      }
    }
    if (unchanged > 0) state.exit_code = 1;
  });
}

void add_audit(CLI::App& tasks, CliIo io) {
  auto* command = tasks.add_subcommand("audit", "the audit log of retries and cancels");
  auto url = std::make_shared<std::string>();
  add_store_option(*command, *url);
  command->callback([url, io] {
    auto store = store::open_store(*url, read_only());
    for (std::int64_t after = 0;;) {
      auto page = store->audit_log(after, 1000);
      if (page.empty()) break;
      for (const auto& a : page)
        io.out << to_json(a).dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
      after = page.back().seq;
    }
  });
}

}  // namespace

void add_tasks_commands(CLI::App& app, CliIo io, CliState& state) {
  auto* tasks = app.add_subcommand("tasks", "list, retry and cancel tasks (audited)");
  tasks->require_subcommand(1);
  add_list(*tasks, io);
  add_action(*tasks, io, state, true);
  add_action(*tasks, io, state, false);
  add_audit(*tasks, io);
}

}  // namespace legion::cli
