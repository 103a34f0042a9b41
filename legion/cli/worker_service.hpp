#pragma once
// `legion worker` as a service: N threads running the shared worker loop
// (legion/store/worker.hpp) on their own store connections, with the operator's surface around
// them — Prometheus metrics and health probes (--metrics-addr), structured JSON logs on
// stderr, and the signals: SIGTERM/SIGINT drain (no new claims; unstarted tasks released at
// once; running ones get until the grace deadline, then their leases are released too and the
// process exits), a second SIGTERM/SIGINT stops at once the same way, SIGHUP is logged and
// reloads nothing. Details: docs/operations.md.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "json_log.hpp"
#include "legion/store/worker.hpp"
#include "store_commands.hpp"

namespace legion::cli {

struct WorkerServiceOptions {
  std::string url;
  std::string id;
  int concurrency = 1;
  int batch = 16;
  std::chrono::milliseconds lease{30'000};
  std::chrono::milliseconds task_timeout{0};  // WorkerOptions::task_timeout (0: no limit)
  std::chrono::milliseconds give_up{0};  // WorkerOptions::give_up_after (0: wait store errors out)
  bool exit_when_drained = false;
  std::chrono::milliseconds stop_grace{30'000};  // SIGTERM -> forced release and exit
  std::string metrics_addr;                      // empty: no endpoint
  LogLevel log_level = LogLevel::kInfo;
};

// Runs until drained (exit_when_drained) or stopped, and prints the summary line on io.out.
// A worker thread's fatal error (store errors past `give_up`) is rethrown once the others
// stopped; a thread the system refuses is an Error naming it, the threads started joined. Past the
// grace deadline the process exits from here (0 when every held lease was released, 1 otherwise).
void run_worker_service(const WorkerServiceOptions& options, const HandlerFactory& handlers,
                        CliIo io);

}  // namespace legion::cli
