#pragma once
// The server's books, readable by the process that started it without a request: a block of
// lock-free atomics in shared memory (a memfd the parent creates and the child inherits), so
// legion-bench can take a run's model calls, tokens and model time before and after the run
// at the cost of a few loads, and never adds requests of its own to the timed traffic.
//
// The server adds a call's figures before it writes the reply's first byte, so once a client
// has its reply the call is counted. Totals only grow.
#include <atomic>
#include <cstdint>

namespace legion::simserver {

struct CounterBlock {
  static constexpr std::uint64_t kMagic = 0x4c45474f4e534d31ull;  // "LEGONSM1"
  std::atomic<std::uint64_t> magic{0};
  std::atomic<std::uint64_t> calls{0};  // replies sent (stream or not)
  std::atomic<std::uint64_t> prompt_tokens{0};
  std::atomic<std::uint64_t> completion_tokens{0};
  std::atomic<std::uint64_t> model_ns{0};       // time in the model, latency included
  std::atomic<std::uint64_t> errors{0};         // requests answered with an error
  std::atomic<std::uint64_t> server_cpu_ns{0};  // the server process's CPU time so far
};
static_assert(std::atomic<std::uint64_t>::is_always_lock_free,
              "shared-memory counters need address-free atomics");

// A plain copy of the block, for differences.
struct CounterSnapshot {
  std::uint64_t calls = 0, prompt_tokens = 0, completion_tokens = 0, model_ns = 0, errors = 0,
                server_cpu_ns = 0;
  CounterSnapshot operator-(const CounterSnapshot& earlier) const;
};

CounterSnapshot snapshot(const CounterBlock& block);

// The block in a fresh memfd (parent side): the fd is inherited across exec (no CLOEXEC) so
// the child can map it too. Throws std::runtime_error when the kernel refuses.
struct SharedCounters {
  SharedCounters();
  ~SharedCounters();
  SharedCounters(const SharedCounters&) = delete;
  SharedCounters& operator=(const SharedCounters&) = delete;
  int fd = -1;
  CounterBlock* block = nullptr;
};

// Maps an inherited block (child side); throws std::runtime_error naming the problem when
// `fd` is not one (wrong size, no magic after initialising).
CounterBlock* map_counters(int fd);

}  // namespace legion::simserver
