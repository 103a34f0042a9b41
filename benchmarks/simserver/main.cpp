// legion-simserver: an OpenAI-compatible chat server answered by LEGION's simulated model, on
// 127.0.0.1. Prints "legion-simserver listening on http://127.0.0.1:PORT" once it accepts
// connections (port 0 picks a free one), serves until SIGINT/SIGTERM, then exits 0.
// Exit status 2: bad flags or a port that cannot be bound (one line on stderr).
#include <signal.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <thread>

#include "legion/error.hpp"
#include "simserver/server.hpp"

namespace {

// Thousands of connections need thousands of descriptors: take the hard limit.
void raise_descriptor_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "legion-simserver: OpenAI's /v1/chat/completions (tools, stream: true) and /v1/models on "
      "127.0.0.1, answered by LEGION's simulated model from the script in the conversation "
      "(docs/simulated-model.md); docs/simserver.md"};
  legion::simserver::ServerOptions options;
  std::string latency = "none";
  int counters_fd = -1;
  long idle_timeout_s = options.idle_timeout.count();
  app.add_option("--port", options.port, "TCP port on 127.0.0.1; 0 (default) picks a free one");
  app.add_option("--seed", options.seed, "the simulated model's seed (default 42)");
  app.add_option(
      "--model-latency", latency,
      "latency model: none (default), fixed:2ms, lognormal:20ms,0.5, per-token:50us+2ms");
  app.add_option("--threads", options.threads, "event-loop threads (default 1)")
      ->check(CLI::Range(1, 64));
  app.add_option("--model-name", options.served_model,
                 "the model id /v1/models lists (default legion-simulated); requests may name "
                 "any model");
  app.add_option("--max-body-bytes", options.max_body_bytes,
                 "largest request body accepted; larger gets 413 (default 8 MiB)")
      ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 32));
  app.add_option("--idle-timeout", idle_timeout_s,
                 "seconds a keep-alive connection may wait for its next request (default 300)")
      ->check(CLI::Range(1L, 86400L));
  app.add_option("--upstream", options.upstream,
                 "forward every request to this http:// OpenAI-compatible server and meter it "
                 "(calls, usage, time) instead of simulating (legion-bench --endpoint)");
  app.add_option("--counters-fd", counters_fd,
                 "an inherited counter block to count into (legion-bench passes one)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "legion-simserver: " << e.what() << " (see --help)\n";
    return 2;
  }

  // Signals are taken by one thread with sigwait; the server's threads never see them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  raise_descriptor_limit();

  std::unique_ptr<legion::simserver::Server> server;
  try {
    options.latency = legion::LatencyModel::parse(latency);
    options.idle_timeout = std::chrono::seconds(idle_timeout_s);
    if (counters_fd >= 0) options.counters = legion::simserver::map_counters(counters_fd);
    server = std::make_unique<legion::simserver::Server>(options);
  } catch (const std::exception& error) {
    std::cerr << "legion-simserver: " << error.what() << "\n";
    return 2;
  }
  std::cout << "legion-simserver listening on http://127.0.0.1:" << server->port() << std::endl;

  std::thread waiter([&] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    server->stop();
  });
  server->run();
  // run() also returns if the loop runs out of work, which a listening server never does; make
  // sure the waiter wakes either way.
  ::kill(::getpid(), SIGTERM);
  waiter.join();
  return 0;
}
