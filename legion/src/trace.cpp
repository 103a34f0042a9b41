#include "legion/trace.hpp"

#include <algorithm>

#include "legion/error.hpp"

namespace legion {

const char* to_string(SpanKind kind) {
  switch (kind) {
    case SpanKind::kRun:
      return "run";
    case SpanKind::kAgentStep:
      return "agent_step";
    case SpanKind::kModelCall:
      return "model_call";
    case SpanKind::kToolCall:
      return "tool_call";
    case SpanKind::kBusHop:
      return "bus_hop";
    case SpanKind::kHuman:
      return "human";
  }
  return "run";
}

Trace::Trace() : origin_(std::chrono::steady_clock::now()) {}

std::uint64_t Trace::begin(SpanKind kind, std::string name, std::uint64_t parent) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  Span span;
  span.id = spans_.size() + 1;
  span.parent = parent;
  span.kind = kind;
  span.name = std::move(name);
  span.start = now;
  span.end = now;
  spans_.push_back(std::move(span));
  return spans_.back().id;
}

void Trace::end(std::uint64_t id, Json attributes) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  if (id == 0 || id > spans_.size()) throw Error("trace: no span with id " + std::to_string(id));
  Span& span = spans_[id - 1];
  span.end = now;
  if (!attributes.empty()) span.attributes = std::move(attributes);
}

std::uint64_t Trace::record(SpanKind kind, std::string name,
                            std::chrono::steady_clock::time_point start,
                            std::chrono::steady_clock::time_point end, std::uint64_t parent,
                            Json attributes) {
  std::lock_guard lock(mutex_);
  Span span{spans_.size() + 1, parent, kind, std::move(name), start, end, std::move(attributes)};
  spans_.push_back(std::move(span));
  return spans_.back().id;
}

std::vector<Span> Trace::spans() const {
  std::lock_guard lock(mutex_);
  return spans_;
}

std::size_t Trace::count(SpanKind kind) const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(
      std::count_if(spans_.begin(), spans_.end(), [&](const Span& s) { return s.kind == kind; }));
}

Json Trace::to_json() const {
  using std::chrono::duration_cast;
  using std::chrono::nanoseconds;
  std::lock_guard lock(mutex_);
  Json spans = Json::array();
  Json counts = Json::object();
  for (const Span& span : spans_) {
    spans.push_back({{"id", span.id},
                     {"parent", span.parent},
                     {"kind", to_string(span.kind)},
                     {"name", span.name},
                     {"start_ns", duration_cast<nanoseconds>(span.start - origin_).count()},
                     {"duration_ns", duration_cast<nanoseconds>(span.end - span.start).count()},
                     {"attributes", span.attributes}});
    counts[to_string(span.kind)] = counts.value(to_string(span.kind), 0) + 1;
  }
  return {{"spans", std::move(spans)}, {"counts", std::move(counts)}};
}

void ScopedSpan::begin(SpanKind kind, std::string_view name, std::uint64_t parent) {
  id_ = trace_->begin(kind, std::string(name), parent);
}

void ScopedSpan::end() {
  trace_->end(id_, std::move(attributes_));
}

}  // namespace legion
