#pragma once
// Google Benchmark's JSON reporter with members of our own in the file's `context` object:
// AddCustomContext can only add strings, and the machine fingerprint is an object (contract in
// docs/harness.md). The reporter lets the library write its context, then inserts the members
// before the object's closing brace; everything else is the library's output, byte for byte,
// so Google Benchmark's own tools still read the file.
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace legion::harness {

// `prefix`: what JSONReporter::ReportContext wrote (the opening of the file up to the
// benchmarks array). Returns it with `members` added at the end of the context object, or
// nullopt when the text is not shaped as Google Benchmark 1.7 writes it.
std::optional<std::string> add_to_context(const std::string& prefix,
                                          const nlohmann::ordered_json& members);

class ContextJsonReporter final : public benchmark::JSONReporter {
 public:
  explicit ContextJsonReporter(nlohmann::ordered_json members) : members_(std::move(members)) {}
  // false (and failed()) when the context could not be extended: the library then runs no
  // benchmark, and legion-bench exits 2 rather than write a file without its fingerprint.
  bool ReportContext(const Context& context) override;
  bool failed() const { return failed_; }

 private:
  nlohmann::ordered_json members_;
  bool failed_ = false;
};

}  // namespace legion::harness
