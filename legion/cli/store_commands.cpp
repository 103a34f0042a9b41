#include "store_commands.hpp"

#include <atomic>
#include <csignal>
#include <iostream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include "legion/error.hpp"
#include "legion/json_input.hpp"
#include "legion/store/task_store.hpp"
#include "legion/store/worker.hpp"
#include "legion/text_output.hpp"
#include "legion/utf8.hpp"

namespace legion::cli {
namespace {

using nlohmann::json;
using store::Task;

std::atomic<bool> g_stop{false};

constexpr int kMaxAttempts = 1000;

// Text that is stored and exported as JSON must be UTF-8 (legion/utf8.hpp).
void require_utf8(const std::string& value, const std::string& option) {
  if (!valid_utf8(value)) throw ConfigError(option + ": not valid UTF-8");
}

std::string default_store() {
  const char* env = std::getenv("LEGION_STORE");
  return env ? env : "sqlite://legion.db";
}

// For the commands that only read (status, verify, export): a write-protected store can be
// inspected, and nothing is created where there is no store (docs/durability.md).
store::StoreOptions read_only() {
  store::StoreOptions options;
  options.read_only = true;
  return options;
}

void add_store_option(CLI::App& command, std::string& url) {
  url = default_store();
  command
      .add_option("--store", url, "store URL: sqlite://PATH or postgresql://... (env LEGION_STORE)")
      ->capture_default_str();
}

// The built-in task handler: enough to exercise a worker end to end without an agent. The
// payload may ask for a delay ("sleep_ms"), for the first "fail_times" attempts to fail, or for
// "leak_kb" of memory the process keeps for good (memory-exhaustion tests: a worker grows until
// its limit stops it).
std::string builtin_handler(const Task& task) {
  // Invalid (or too deeply nested) JSON: fails, retried, dead-lettered.
  ParsedJson parsed = parse_json(task.payload);
  if (!parsed.ok()) throw std::runtime_error("payload: " + parsed.error);
  const json& payload = parsed.value;
  if (payload.is_object()) {
    if (auto it = payload.find("leak_kb"); it != payload.end()) {
      static std::mutex mutex;
      static std::vector<std::unique_ptr<char[]>> kept;
      const auto bytes = static_cast<std::size_t>(it->get<int>()) * 1024;
      auto block = std::make_unique<char[]>(bytes);  // zeroed: the pages are really touched
      std::lock_guard lock(mutex);
      kept.push_back(std::move(block));
    }
    if (auto it = payload.find("sleep_ms"); it != payload.end()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(it->get<int>()));
    }
    if (auto it = payload.find("fail_times");
        it != payload.end() && task.attempts <= it->get<int>()) {
      throw std::runtime_error("requested failure " + std::to_string(task.attempts));
    }
  }
  return json{{"ok", true}, {"task", task.id}, {"key", task.key}}.dump();
}

// A stored text that is not JSON (or nests too deep to handle safely) is exported as a string.
json parse_or_string(const std::string& text) {
  ParsedJson value = parse_json(text);
  return value.ok() ? std::move(value.value) : json(text);
}

json to_json(const store::Stats& s) {
  return {{"queued", s.queued}, {"leased", s.leased}, {"done", s.done},
          {"failed", s.failed}, {"dead", s.dead},     {"total", s.total()}};
}

json to_json(const store::Ledger& l) {
  return {{"accepted", l.accepted},
          {"done", l.done},
          {"dead", l.dead},
          {"pending", l.pending},
          {"effects", l.effects},
          {"lost", l.lost},
          {"unexpected", l.unexpected},
          {"duplicated", l.duplicated},
          {"ok", l.ok()}};
}

std::vector<store::TaskSpec> read_jsonl(const std::string& path) {
  std::istringstream in(read_text_file(path));
  std::vector<store::TaskSpec> specs;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto where = path + ":" + std::to_string(number) + ": ";
    ParsedJson parsed = parse_json(line);
    if (!parsed.ok()) throw ConfigError(where + parsed.error);
    json& item = parsed.value;
    if (!item.is_object()) throw ConfigError(where + "not a JSON object");
    for (const auto& [name, value] : item.items()) {
      if (name != "key" && name != "payload" && name != "max_attempts") {
        throw ConfigError(where + "unknown field '" + name + "'");
      }
    }
    if (!item.contains("key") || !item["key"].is_string() ||
        item["key"].get<std::string>().empty()) {
      throw ConfigError(where + "'key' must be a non-empty string");
    }
    store::TaskSpec spec{item["key"], item.value("payload", json::object()).dump(), 0};
    if (item.contains("max_attempts")) {
      // Read as the widest integer first: get<int>() would wrap 4294967297 to 1.
      const json& attempts = item["max_attempts"];
      if (!attempts.is_number_integer() || attempts.get<std::int64_t>() < 1 ||
          attempts.get<std::int64_t>() > kMaxAttempts) {
        throw ConfigError(where + "'max_attempts' must be an integer from 1 to " +
                          std::to_string(kMaxAttempts));
      }
      spec.max_attempts = attempts.get<int>();
    }
    specs.push_back(std::move(spec));
  }
  return specs;
}

void add_worker(CLI::App& app, CliIo io) {
  auto* command = app.add_subcommand(
      "worker", "claim and run tasks from the store until stopped (SIGINT/SIGTERM) or drained");
  struct Options {
    std::string url, id;
    int concurrency = 1, batch = 16, lease_ms = 30'000, task_timeout_ms = 0;
    std::int64_t give_up_ms = -1;  // -1: the default for the mode
    bool drain = false;
  };
  auto options = std::make_shared<Options>();
  add_store_option(*command, options->url);
  command->add_option("--concurrency", options->concurrency, "worker threads, one connection each")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  command->add_option("--batch", options->batch, "tasks per claim and per group commit")
      ->check(CLI::Range(1, 10'000))
      ->capture_default_str();
  command->add_option("--lease-ms", options->lease_ms, "lease duration; must outlast a batch")
      ->check(CLI::Range(100, 86'400'000))
      ->capture_default_str();
  command
      ->add_option("--task-timeout-ms", options->task_timeout_ms,
                   "fail a task whose handler runs longer (0: no limit)")
      ->check(CLI::Range(0, 86'400'000))
      ->capture_default_str();
  command->add_option("--id", options->id, "worker id (default: worker-PID)");
  command->add_flag("--drain", options->drain, "exit once no task is queued, leased or waiting");
  command
      ->add_option("--give-up-ms", options->give_up_ms,
                   "exit 1 once store errors (database away, disk full) have lasted this long "
                   "(default: 60000 with --drain, never without; 0: never)")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{86'400'000'000}));
  command->callback([options, io] {
    require_utf8(options->id, "--id");
    std::string id = options->id.empty() ? "worker-" + std::to_string(getpid()) : options->id;
    g_stop = false;
    std::signal(SIGINT, [](int) { g_stop = true; });
    std::signal(SIGTERM, [](int) { g_stop = true; });
    std::vector<store::WorkerReport> reports(static_cast<std::size_t>(options->concurrency));
    std::vector<std::thread> threads;
    std::exception_ptr failure;
    std::mutex failure_mutex;
    // A store outage is said on stderr, not waited out in silence: its first error, then one
    // line every 10 s while it lasts.
    std::mutex said_mutex;
    std::optional<std::chrono::steady_clock::time_point> said;
    const auto say = [&](const store::StoreError& error) {
      std::lock_guard lock(said_mutex);
      const auto now = std::chrono::steady_clock::now();
      if (said && now - *said < std::chrono::seconds(10)) return;
      said = now;
      io.err << "legion: worker " << id << ": store error, waiting it out: " << error.what()
             << "\n";
    };
    const auto give_up = std::chrono::milliseconds(options->give_up_ms >= 0 ? options->give_up_ms
                                                   : options->drain         ? 60'000
                                                                            : 0);
    store::StoreOptions store_options;
    store_options.interrupt = &g_stop;  // SIGTERM stops a PostgreSQL reconnect too
    for (int t = 0; t < options->concurrency; ++t) {
      try {
        threads.emplace_back([&, t] {
          try {
            auto store = store::open_store(options->url, store_options);
            store::WorkerOptions worker;
            worker.worker_id = id + "/" + std::to_string(t);
            worker.batch = options->batch;
            worker.lease = std::chrono::milliseconds(options->lease_ms);
            worker.task_timeout = std::chrono::milliseconds(options->task_timeout_ms);
            worker.exit_when_drained = options->drain;
            worker.stop = &g_stop;
            worker.on_store_error = say;
            worker.give_up_after = give_up;
            reports[static_cast<std::size_t>(t)] =
                store::run_worker(*store, worker, builtin_handler);
          } catch (...) {
            std::lock_guard lock(failure_mutex);
            if (!failure) failure = std::current_exception();
            g_stop = true;
          }
        });
      } catch (const std::system_error& error) {
        g_stop = true;
        for (auto& thread : threads) thread.join();
        throw Error("worker: cannot start thread " + std::to_string(t + 1) + " of " +
                    std::to_string(options->concurrency) + " (" + error.code().message() + ")");
      }
    }
    for (auto& thread : threads) thread.join();
    if (failure) std::rethrow_exception(failure);
    store::WorkerReport total;
    for (const auto& r : reports) {
      total.completed += r.completed;
      total.failed += r.failed;
      total.rejected += r.rejected;
      total.store_errors += r.store_errors;
      total.timed_out += r.timed_out;
    }
    io.out << "worker " << id << ": completed " << total.completed << ", failed " << total.failed
           << ", rejected " << total.rejected << ", store errors waited out " << total.store_errors
           << ", timed out " << total.timed_out << "\n";
  });
}

void add_submit(CLI::App& app, CliIo io) {
  auto* command = app.add_subcommand(
      "submit", "submit tasks (idempotent: a key already in the store is not added again)");
  struct Options {
    std::string url, file, prefix = "task-", payload = "{}";
    int count = 0, max_attempts = 0;
  };
  auto options = std::make_shared<Options>();
  add_store_option(*command, options->url);
  auto* file = command->add_option(
      "--file", options->file,
      "JSON lines: {\"key\": K, \"payload\": {...}, \"max_attempts\": N}; key required");
  auto* count = command->add_option("--count", options->count, "generate N tasks")
                    ->check(CLI::Range(1, 100'000'000));
  file->excludes(count);
  command->add_option("--prefix", options->prefix, "key prefix for --count (keys PREFIX0..)")
      ->capture_default_str();
  command->add_option("--payload", options->payload, "payload JSON for --count")
      ->capture_default_str();
  command->add_option("--max-attempts", options->max_attempts, "for --count (default: 5)")
      ->check(CLI::Range(1, kMaxAttempts));
  command->callback([options, io, file, count] {
    require_utf8(options->prefix, "--prefix");
    std::vector<store::TaskSpec> specs;
    if (*file) {
      specs = read_jsonl(options->file);
    } else if (*count) {
      ParsedJson payload = parse_json(options->payload);
      if (!payload.ok()) throw ConfigError("--payload: " + payload.error);
      const std::string text = payload.value.dump();
      for (int i = 0; i < options->count; ++i) {
        specs.push_back({options->prefix + std::to_string(i), text, options->max_attempts});
      }
    } else {
      throw ConfigError("submit: give --file or --count");
    }
    auto store = store::open_store(options->url);
    std::int64_t created = 0;
    std::size_t committed = 0;  // one transaction per batch: what came before a failure stays
    try {
      for (std::size_t start = 0; start < specs.size(); start += 1000) {
        auto end = std::min(specs.size(), start + 1000);
        for (const auto& s : store->submit_batch(
                 std::span<const store::TaskSpec>(specs.data() + start, end - start))) {
          created += s.created ? 1 : 0;
        }
        committed = end;
      }
    } catch (const store::StoreError& error) {
      if (committed == 0) throw;
      throw store::StoreError(
          "submit: " + std::to_string(committed) + " of " + std::to_string(specs.size()) +
              " tasks were committed (" + std::to_string(created) +
              " new; submitting again skips them) before a batch failed: " + error.what(),
          error.retryable());
    }
    io.out << "submitted " << specs.size() << " tasks: " << created << " new, "
           << static_cast<std::int64_t>(specs.size()) - created << " already known\n";
  });
}

void add_status(CLI::App& app, CliIo io) {
  auto* command = app.add_subcommand("status", "task counts per state");
  auto url = std::make_shared<std::string>();
  auto as_json = std::make_shared<bool>(false);
  add_store_option(*command, *url);
  command->add_flag("--json", *as_json, "print JSON");
  command->callback([url, as_json, io] {
    auto stats = store::open_store(*url, read_only())->stats();
    if (*as_json) {
      io.out << to_json(stats).dump() << "\n";
      return;
    }
    io.out << "queued " << stats.queued << "  leased " << stats.leased << "  done " << stats.done
           << "  failed " << stats.failed << "  dead " << stats.dead << "  total " << stats.total()
           << "\n";
  });
}

void add_verify(CLI::App& app, CliIo io, CliState& state) {
  auto* command = app.add_subcommand(
      "verify",
      "ledger check: every accepted task completed exactly once, nothing unexpected, nothing "
      "lost; exit 1 otherwise");
  auto url = std::make_shared<std::string>();
  auto allow_pending = std::make_shared<bool>(false);
  add_store_option(*command, *url);
  command->add_flag("--allow-pending", *allow_pending,
                    "do not count unfinished tasks as lost (workers still running)");
  command->callback([url, allow_pending, io, &state] {
    auto ledger = store::open_store(*url, read_only())->verify(!*allow_pending);
    io.out << to_json(ledger).dump() << "\n";
    if (!ledger.ok()) state.exit_code = 1;
  });
}

void add_export(CLI::App& app, CliIo io) {
  auto* command = app.add_subcommand("export", "the store's tasks, stats and ledger as JSON");
  auto url = std::make_shared<std::string>();
  auto out_path = std::make_shared<std::string>();
  add_store_option(*command, *url);
  command->add_option("--out", *out_path, "write to FILE instead of stdout");
  command->callback([url, out_path, io] {
    auto store = store::open_store(*url, read_only());
    json tasks = json::array();
    std::int64_t not_utf8 = 0;
    for (std::int64_t after = 0;;) {
      auto page = store->list(after, 1000);
      if (page.empty()) break;
      for (const auto& t : page) {
        not_utf8 += valid_utf8(t.key) && valid_utf8(t.error) ? 0 : 1;
        tasks.push_back({{"id", t.id},
                         {"key", t.key},
                         {"state", store::to_string(t.state)},
                         {"attempts", t.attempts},
                         {"max_attempts", t.max_attempts},
                         {"payload", parse_or_string(t.payload)},
                         {"result", t.result.empty() ? json(nullptr) : parse_or_string(t.result)},
                         {"error", t.error}});
      }
      after = page.back().id;
    }
    json document = {{"stats", to_json(store->stats())},
                     {"ledger", to_json(store->verify(false))},
                     {"tasks", std::move(tasks)}};
    if (not_utf8 > 0) {
      io.err << "legion: warning: " << not_utf8
             << " task(s) hold text that is not UTF-8 (stored before legion checked it); "
                "exported with U+FFFD in its place\n";
    }
    const std::string text = document.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
    if (out_path->empty()) {
      write_text(io.out, text, "standard output");
    } else {
      write_text_file(*out_path, text);
    }
  });
}

}  // namespace

void add_store_commands(CLI::App& app, CliIo io, CliState& state) {
  add_worker(app, io);
  add_submit(app, io);
  add_status(app, io);
  add_verify(app, io, state);
  add_export(app, io);
}

int run_cli(CLI::App& app, int argc, const char* const* argv, CliIo io, CliState& state) {
  // CLI11 would report an unknown command or an unknown option before the command as "A
  // subcommand is required"; name it instead.
  if (argc > 1 && argv[1][0] == '-' && std::string_view(argv[1]) != "-h" &&
      std::string_view(argv[1]) != "--help" && std::string_view(argv[1]) != "--help-all") {
    io.err << "legion: error: unknown option '" << argv[1] << "' (see legion --help)\n";
    return 2;
  }
  if (argc > 1 && argv[1][0] != '-') {
    bool known = false;
    for (const auto* command : app.get_subcommands([](CLI::App*) { return true; })) {
      known = known || command->check_name(argv[1]);
    }
    if (!known) {
      io.err << "legion: error: unknown command '" << argv[1] << "' (see legion --help)\n";
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help, io.out, io.err);
  } catch (const CLI::CallForAllHelp& help) {
    return app.exit(help, io.out, io.err);
  } catch (const CLI::ParseError& error) {
    io.err << "legion: error: " << error.what() << "\n";
    return 2;
  } catch (const ConfigError& error) {
    io.err << "legion: error: " << error.what() << "\n";
    return 2;
  } catch (const std::exception& error) {
    io.err << "legion: error: " << error.what() << "\n";
    return 1;
  }
  // What a command printed must have reached standard output (a full disk shows at flush).
  if (!io.out.flush()) {
    io.err << "legion: error: cannot write to standard output\n";
    return 1;
  }
  return state.exit_code;
}

}  // namespace legion::cli
