#pragma once
// A per-run trace: spans for agent steps, model calls, tool calls and bus hops, exportable
// as JSON. Tracing is opt-in: every recording site takes a Trace* and does nothing when it
// is null, so the hot path pays one branch when tracing is off.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "legion/message.hpp"

namespace legion {

enum class SpanKind { kRun, kAgentStep, kModelCall, kToolCall, kBusHop, kHuman };
const char* to_string(SpanKind kind);

struct Span {
  std::uint64_t id = 0;
  std::uint64_t parent = 0;  // 0 for a root span
  SpanKind kind = SpanKind::kRun;
  std::string name;
  std::chrono::steady_clock::time_point start;
  std::chrono::steady_clock::time_point end;
  Json attributes = Json::object();
};

// Thread-safe: parallel patterns record into one trace from several workers.
class Trace {
 public:
  Trace();
  std::uint64_t begin(SpanKind kind, std::string name, std::uint64_t parent = 0);
  void end(std::uint64_t id, Json attributes = Json::object());
  // A span whose start and end are already known (a bus hop measured by its timestamps).
  std::uint64_t record(SpanKind kind, std::string name, std::chrono::steady_clock::time_point start,
                       std::chrono::steady_clock::time_point end, std::uint64_t parent = 0,
                       Json attributes = Json::object());

  std::vector<Span> spans() const;  // in begin order
  std::size_t count(SpanKind kind) const;
  // {"spans": [{id, parent, kind, name, start_ns, duration_ns, attributes}], "counts": {...}}
  // with start_ns relative to the trace's creation.
  Json to_json() const;

 private:
  mutable std::mutex mutex_;
  std::chrono::steady_clock::time_point origin_;
  std::vector<Span> spans_;  // index = id - 1
};

// RAII span; a no-op on a null trace.
// Without a trace every member is a branch, inline: an agent step opens three spans.
class ScopedSpan {
 public:
  ScopedSpan(Trace* trace, SpanKind kind, std::string_view name, std::uint64_t parent = 0)
      : trace_(trace) {
    if (trace_) begin(kind, name, parent);
  }
  ~ScopedSpan() {
    if (trace_) end();
  }
  ScopedSpan(const ScopedSpan&) = delete;
  ScopedSpan& operator=(const ScopedSpan&) = delete;
  std::uint64_t id() const { return id_; }
  template <class Value>
  void set(std::string_view key, Value&& value) {
    if (trace_) attributes_[std::string(key)] = Json(std::forward<Value>(value));
  }

 private:
  void begin(SpanKind kind, std::string_view name, std::uint64_t parent);
  void end();

  Trace* trace_;
  std::uint64_t id_ = 0;
  Json attributes_;
};

}  // namespace legion
