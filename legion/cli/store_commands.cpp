#include "store_commands.hpp"

#include <ctime>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string_view>
#include <thread>
#include <vector>

#include "cli_common.hpp"
#include "legion/error.hpp"
#include "legion/json_input.hpp"
#include "legion/store/task_store.hpp"
#include "legion/store/worker.hpp"
#include "legion/text_output.hpp"
#include "legion/utf8.hpp"
#include "tasks_commands.hpp"
#include "worker_service.hpp"

namespace legion::cli {
namespace {

using nlohmann::json;
using store::Task;

// The built-in task handler (`worker --test-handler`): enough to exercise a worker end to end
// without an agent. The payload may ask for a delay ("sleep_ms"), for the first "fail_times"
// attempts to fail, or for "leak_kb" of memory the process keeps for good (memory-exhaustion
// tests: a worker grows until its limit stops it).
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

// One task per non-blank line, each a JSON object with a non-empty "key", the `fields` the
// caller allows besides "key" and "max_attempts", and the payload `make_payload` builds from
// it. Errors name FILE:LINE.
std::vector<store::TaskSpec> read_jsonl(
    const std::string& path, std::initializer_list<const char*> fields,
    const std::function<std::string(const json& item, const std::string& where)>& make_payload) {
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
      bool known = name == "key" || name == "max_attempts";
      for (const char* field : fields) known = known || name == field;
      if (!known) throw ConfigError(where + "unknown field '" + name + "'");
    }
    if (!item.contains("key") || !item["key"].is_string() ||
        item["key"].get<std::string>().empty()) {
      throw ConfigError(where + "'key' must be a non-empty string");
    }
    store::TaskSpec spec{item["key"], make_payload(item, where), 0};
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

void add_worker(CLI::App& app, CliIo io, const WorkflowHooks& hooks) {
  auto* command = app.add_subcommand(
      "worker", "run queued workflow tasks until stopped (SIGTERM/SIGINT: graceful) or drained");
  struct Options {
    WorkerServiceOptions service;
    int lease_ms = 30'000, grace_ms = 30'000, task_timeout_ms = 0;
    std::string log_level = "info";
    bool test_handler = false;
    std::int64_t give_up_ms = -1;  // -1: the default for the mode
  };
  auto options = std::make_shared<Options>();
  add_store_option(*command, options->service.url);
  command
      ->add_option("--concurrency", options->service.concurrency,
                   "worker threads, one connection each")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  command->add_option("--batch", options->service.batch, "tasks per claim and per group commit")
      ->check(CLI::Range(1, 10'000))
      ->capture_default_str();
  command->add_option("--lease-ms", options->lease_ms, "lease duration (renewed every third)")
      ->check(CLI::Range(100, 86'400'000))
      ->capture_default_str();
  command
      ->add_option("--task-timeout-ms", options->task_timeout_ms,
                   "fail a task whose handler runs longer (0: no limit)")
      ->check(CLI::Range(0, 86'400'000))
      ->capture_default_str();
  command->add_option("--id", options->service.id, "worker id (default: worker-PID)");
  command->add_flag("--drain", options->service.exit_when_drained,
                    "exit once no task is queued, leased or waiting");
  command
      ->add_option("--give-up-ms", options->give_up_ms,
                   "exit 1 once store errors (database away, disk full) have lasted this long "
                   "(default: 60000 with --drain, never without; 0: never)")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{86'400'000'000}));
  command
      ->add_option("--stop-grace-ms", options->grace_ms,
                   "after SIGTERM/SIGINT: how long running tasks may finish before their leases "
                   "are released and the process exits")
      ->check(CLI::Range(0, 86'400'000))
      ->capture_default_str();
  command->add_option("--metrics-addr", options->service.metrics_addr,
                      "serve /metrics (Prometheus), /healthz and /readyz on HOST:PORT "
                      "(port 0: any free port, logged as metrics_listening)");
  command
      ->add_option("--log-level", options->log_level,
                   "JSON logs on stderr from this level: debug, info, warn, error")
      ->capture_default_str();
  command->add_flag("--test-handler", options->test_handler,
                    "run the built-in test handler instead of workflows (payload sleep_ms, "
                    "fail_times, leak_kb; for tests)");
  command->callback([options, io, hooks] {
    require_utf8(options->service.id, "--id");
    options->service.lease = std::chrono::milliseconds(options->lease_ms);
    options->service.stop_grace = std::chrono::milliseconds(options->grace_ms);
    options->service.task_timeout = std::chrono::milliseconds(options->task_timeout_ms);
    options->service.log_level = parse_log_level(options->log_level);
    options->service.give_up =
        std::chrono::milliseconds(options->give_up_ms >= 0             ? options->give_up_ms
                                  : options->service.exit_when_drained ? 60'000
                                                                       : 0);
    HandlerFactory handlers;
    if (options->test_handler) {
      handlers = [](store::TaskStore&, const ModelCallSink&) {
        return store::TaskHandler(builtin_handler);
      };
    } else if (hooks.handler) {
      handlers = hooks.handler;
    } else {
      throw ConfigError("worker: this program has no workflow runtime; pass --test-handler");
    }
    run_worker_service(options->service, handlers, io);
  });
}

void add_submit(CLI::App& app, CliIo io, const WorkflowHooks& hooks) {
  auto* command = app.add_subcommand(
      "submit", "submit tasks (idempotent: a key already in the store is not added again)");
  struct Options {
    std::string url, file, prefix = "task-", payload = "{}", workflow, inputs;
    int count = 0, max_attempts = 0;
  };
  auto options = std::make_shared<Options>();
  add_store_option(*command, options->url);
  auto* workflow = command->add_option(
      "--workflow", options->workflow,
      "a workflow spec (docs/workflow-spec.md): each line of --inputs becomes a task running it");
  auto* inputs = command->add_option(
      "--inputs", options->inputs,
      "JSON lines for --workflow: {\"key\": K, \"input\": TEXT, \"max_attempts\": N}; key "
      "required (the idempotency key)");
  workflow->needs(inputs);
  inputs->needs(workflow);
  auto* file = command->add_option(
      "--file", options->file,
      "JSON lines: {\"key\": K, \"payload\": {...}, \"max_attempts\": N}; key required");
  auto* count = command->add_option("--count", options->count, "generate N tasks")
                    ->check(CLI::Range(1, 100'000'000));
  file->excludes(count);
  workflow->excludes(file)->excludes(count);
  command->add_option("--prefix", options->prefix, "key prefix for --count (keys PREFIX0..)")
      ->capture_default_str();
  command->add_option("--payload", options->payload, "payload JSON for --count")
      ->capture_default_str();
  command->add_option("--max-attempts", options->max_attempts, "for --count (default: 5)")
      ->check(CLI::Range(1, kMaxAttempts));
  command->callback([options, io, file, count, workflow, hooks] {
    require_utf8(options->prefix, "--prefix");
    std::vector<store::TaskSpec> specs;
    if (*workflow) {
      if (!hooks.task_payload) throw ConfigError("submit: this program has no workflow runtime");
      ParsedJson parsed = parse_json(read_text_file(options->workflow));
      if (!parsed.ok()) throw ConfigError(options->workflow + ": " + parsed.error);
      const json& spec = parsed.value;
      specs =
          read_jsonl(options->inputs, {"input"}, [&](const json& item, const std::string& where) {
            try {
              return hooks.task_payload(spec, item.value("input", json()));
            } catch (const ConfigError& error) {
              // A spec problem names the spec's file, an input problem the input's line.
              std::string what = error.what();
              throw ConfigError(
                  (what.rfind("workflow:", 0) == 0 ? options->workflow + ": " : where) + what);
            }
          });
    } else if (*file) {
      specs = read_jsonl(options->file, {"payload"}, [](const json& item, const std::string&) {
        return item.value("payload", json::object()).dump();
      });
    } else if (*count) {
      ParsedJson payload = parse_json(options->payload);
      if (!payload.ok()) throw ConfigError("--payload: " + payload.error);
      const std::string text = payload.value.dump();
      for (int i = 0; i < options->count; ++i) {
        specs.push_back({options->prefix + std::to_string(i), text, options->max_attempts});
      }
    } else {
      throw ConfigError("submit: give --workflow with --inputs, --file or --count");
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

std::string status_line(const store::Stats& stats) {
  std::ostringstream line;
  line << "queued " << stats.queued << "  leased " << stats.leased << "  done " << stats.done
       << "  failed " << stats.failed << "  dead " << stats.dead << "  cancelled "
       << stats.cancelled << "  total " << stats.total();
  return line.str();
}

// `status --watch`: a line per interval with the counts and the completion rate since the last
// line, until interrupted (or --count lines). A store that is away for a moment is a line
// saying so, not the end of the watch.
void watch_status(store::TaskStore& store, CliIo io, bool as_json, std::chrono::milliseconds every,
                  int count) {
  using Clock = std::chrono::steady_clock;
  std::optional<std::pair<Clock::time_point, std::int64_t>> last;
  auto next = Clock::now();
  for (int i = 0; count == 0 || i < count; ++i) {
    if (i > 0) {
      next += every;
      std::this_thread::sleep_until(next);
    }
    const auto now = Clock::now();
    const auto wall = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm local{};
    localtime_r(&wall, &local);
    char clock[16];
    std::strftime(clock, sizeof clock, "%H:%M:%S", &local);
    store::Stats stats;
    try {
      stats = store.stats();
    } catch (const store::StoreError& error) {
      if (!error.retryable()) throw;
      if (as_json) {
        io.out << json{{"time", clock}, {"error", error.what()}}.dump(
                      -1, ' ', false, json::error_handler_t::replace)
               << "\n"
               << std::flush;
      } else {
        io.out << clock << "  store unavailable: " << error.what() << "\n" << std::flush;
      }
      continue;
    }
    std::optional<double> rate;
    if (last) {
      double seconds = std::chrono::duration<double>(now - last->first).count();
      if (seconds > 0) rate = static_cast<double>(stats.done - last->second) / seconds;
    }
    last = std::make_pair(now, stats.done);
    if (as_json) {
      json line = to_json(stats);
      line["time"] = clock;
      line["done_per_s"] = rate ? json(*rate) : json(nullptr);
      io.out << line.dump() << "\n" << std::flush;
    } else {
      std::ostringstream per_s;
      per_s.setf(std::ios::fixed);
      per_s.precision(1);
      if (rate) per_s << "  done/s " << *rate;
      io.out << clock << "  " << status_line(stats) << per_s.str() << "\n" << std::flush;
    }
  }
}

void add_status(CLI::App& app, CliIo io) {
  auto* command = app.add_subcommand("status", "task counts per state (--watch: live)");
  struct Options {
    std::string url;
    bool as_json = false, watch = false;
    int interval_ms = 1000, count = 0;
  };
  auto options = std::make_shared<Options>();
  add_store_option(*command, options->url);
  command->add_flag("--json", options->as_json, "print JSON (a line per refresh with --watch)");
  command->add_flag("--watch", options->watch,
                    "refresh until interrupted: counts and the completion rate");
  command->add_option("--interval-ms", options->interval_ms, "--watch refresh interval")
      ->check(CLI::Range(50, 3'600'000))
      ->capture_default_str();
  command->add_option("--count", options->count, "--watch: stop after N lines (0: never)")
      ->check(CLI::Range(0, 1'000'000'000));
  command->callback([options, io] {
    auto store = store::open_store(options->url, read_only());
    if (options->watch) {
      watch_status(*store, io, options->as_json, std::chrono::milliseconds(options->interval_ms),
                   options->count);
      return;
    }
    auto stats = store->stats();
    if (options->as_json) {
      io.out << to_json(stats).dump() << "\n";
      return;
    }
    io.out << status_line(stats) << "\n";
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
        tasks.push_back(to_json(t));
      }
      after = page.back().id;
    }
    json audit = json::array();
    for (std::int64_t after = 0;;) {
      auto page = store->audit_log(after, 1000);
      if (page.empty()) break;
      for (const auto& a : page) audit.push_back(to_json(a));
      after = page.back().seq;
    }
    json document = {{"stats", to_json(store->stats())},
                     {"ledger", to_json(store->verify(false))},
                     {"tasks", std::move(tasks)},
                     {"audit", std::move(audit)}};
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

void add_store_commands(CLI::App& app, CliIo io, CliState& state, WorkflowHooks hooks) {
  add_worker(app, io, hooks);
  add_submit(app, io, hooks);
  add_status(app, io);
  add_verify(app, io, state);
  add_export(app, io);
  add_tasks_commands(app, io, state);
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
