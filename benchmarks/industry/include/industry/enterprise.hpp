#pragma once
// legion-industry enterprise: a document-processing workflow through the durable store.
// Intake submits every document as a task keyed doc-<n> (about 2% submitted twice, as a
// re-scanned batch would: the key makes the second a no-op). Worker threads claim documents
// and run, for each, one pipeline of four agents in the framework's idiom:
//   extractor  reads the document (read_document) and extracts vendor and total
//   validator  checks the fields with a tool (validate_fields); ~4% are invalid
//   approver   asks a human (request_approval): a simulated reviewer answers after a seeded
//              delay; past the timeout the request escalates to a supervisor
//   poster     posts the approved document (post_document): a task keyed post-<n> in a
//              separate postings store, so a repeated posting is a no-op
// A fault is injected: ~1% of documents fail on their first attempt *after* posting (a worker
// that dies before acknowledging); the store redelivers them, the workflow runs again, and
// the posting must not happen twice. The audit proves exactly-once posting: every valid
// document posted exactly once, no invalid or unknown one, nothing lost.
#include <filesystem>
#include <iosfwd>
#include <string>

#include "industry/tpc.hpp"

namespace industry {

struct EnterpriseOptions {
  std::string framework = "legion";
  long long documents = 10000;  // at full scale
  double time_scale = 1.0;      // documents times F (at least 50)
  std::uint64_t seed = 42;
  int workers = 8;  // worker threads, each with the workflow prepared
  std::string latency = "lognormal:5ms,0.5";
  std::string review = "lognormal:20ms,0.8";  // the human reviewer's response time
  double review_timeout_ms = 60.0;            // then escalation
  std::string supervisor = "fixed:10ms";      // the supervisor's response time
  std::filesystem::path out_dir;
  std::string command_line;
  std::ostream* progress = nullptr;
};

// Writes OUT/enterprise.json.
BenchmarkResult run_enterprise(const EnterpriseOptions& options);

}  // namespace industry
