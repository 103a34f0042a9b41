#include "store_commands.hpp"

#include <atomic>
#include <csignal>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "legion/error.hpp"
#include "legion/store/task_store.hpp"
#include "legion/store/worker.hpp"

namespace legion::cli {
namespace {

using nlohmann::json;
using store::Task;

std::atomic<bool> g_stop{false};

std::string default_store() {
  const char* env = std::getenv("LEGION_STORE");
  return env ? env : "sqlite://legion.db";
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
  json payload = json::parse(task.payload);  // invalid JSON: fails, retried, dead-lettered
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

json parse_or_string(const std::string& text) {
  json value = json::parse(text, nullptr, false);
  return value.is_discarded() ? json(text) : value;
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
  std::ifstream in(path);
  if (!in) throw ConfigError(path + ": cannot open");
  std::vector<store::TaskSpec> specs;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto where = path + ":" + std::to_string(number) + ": ";
    json item = json::parse(line, nullptr, false);
    if (item.is_discarded() || !item.is_object()) throw ConfigError(where + "not a JSON object");
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
      if (!item["max_attempts"].is_number_integer() || item["max_attempts"].get<int>() < 1) {
        throw ConfigError(where + "'max_attempts' must be a positive integer");
      }
      spec.max_attempts = item["max_attempts"];
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
  command->callback([options, io] {
    std::string id = options->id.empty() ? "worker-" + std::to_string(getpid()) : options->id;
    g_stop = false;
    std::signal(SIGINT, [](int) { g_stop = true; });
    std::signal(SIGTERM, [](int) { g_stop = true; });
    std::vector<store::WorkerReport> reports(static_cast<std::size_t>(options->concurrency));
    std::vector<std::thread> threads;
    std::exception_ptr failure;
    std::mutex failure_mutex;
    for (int t = 0; t < options->concurrency; ++t) {
      threads.emplace_back([&, t] {
        try {
          auto store = store::open_store(options->url);
          store::WorkerOptions worker;
          worker.worker_id = id + "/" + std::to_string(t);
          worker.batch = options->batch;
          worker.lease = std::chrono::milliseconds(options->lease_ms);
          worker.task_timeout = std::chrono::milliseconds(options->task_timeout_ms);
          worker.exit_when_drained = options->drain;
          worker.stop = &g_stop;
          reports[static_cast<std::size_t>(t)] = store::run_worker(*store, worker, builtin_handler);
        } catch (...) {
          std::lock_guard lock(failure_mutex);
          if (!failure) failure = std::current_exception();
          g_stop = true;
        }
      });
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
      ->check(CLI::Range(1, 1000));
  command->callback([options, io, file, count] {
    std::vector<store::TaskSpec> specs;
    if (*file) {
      specs = read_jsonl(options->file);
    } else if (*count) {
      json payload = json::parse(options->payload, nullptr, false);
      if (payload.is_discarded()) throw ConfigError("--payload: not valid JSON");
      for (int i = 0; i < options->count; ++i) {
        specs.push_back(
            {options->prefix + std::to_string(i), payload.dump(), options->max_attempts});
      }
    } else {
      throw ConfigError("submit: give --file or --count");
    }
    auto store = store::open_store(options->url);
    std::int64_t created = 0;
    for (std::size_t start = 0; start < specs.size(); start += 1000) {
      auto end = std::min(specs.size(), start + 1000);
      for (const auto& s : store->submit_batch(
               std::span<const store::TaskSpec>(specs.data() + start, end - start))) {
        created += s.created ? 1 : 0;
      }
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
    auto stats = store::open_store(*url)->stats();
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
    auto ledger = store::open_store(*url)->verify(!*allow_pending);
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
    auto store = store::open_store(*url);
    json tasks = json::array();
    for (std::int64_t after = 0;;) {
      auto page = store->list(after, 1000);
      if (page.empty()) break;
      for (const auto& t : page) {
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
    if (out_path->empty()) {
      io.out << document.dump(2) << "\n";
      return;
    }
    std::ofstream file(*out_path);
    if (!(file << document.dump(2) << "\n")) throw Error("export: cannot write " + *out_path);
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
  // CLI11 would report an unknown command as "A subcommand is required"; name it instead.
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
  return state.exit_code;
}

}  // namespace legion::cli
