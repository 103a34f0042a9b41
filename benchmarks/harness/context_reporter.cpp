#include "context_reporter.hpp"

#include <sstream>

namespace legion::harness {

std::optional<std::string> add_to_context(const std::string& prefix,
                                          const nlohmann::ordered_json& members) {
  static const std::string kEnd = "\n  },\n  \"benchmarks\": [";
  const std::size_t end = prefix.rfind(kEnd);
  if (end == std::string::npos || !members.is_object()) return std::nullopt;
  std::string inserted;
  for (const auto& [key, value] : members.items()) {
    std::string text = value.dump(2);
    for (std::size_t at = text.find('\n'); at != std::string::npos; at = text.find('\n', at + 5)) {
      text.insert(at + 1, "    ");
    }
    inserted += ",\n    " + nlohmann::json(key).dump() + ": " + text;
  }
  std::string out = prefix;
  out.insert(end, inserted);
  return out;
}

bool ContextJsonReporter::ReportContext(const Context& context) {
  std::ostream& real = GetOutputStream();
  std::ostringstream buffer;
  SetOutputStream(&buffer);
  const bool ok = JSONReporter::ReportContext(context);
  SetOutputStream(&real);
  const std::optional<std::string> text = add_to_context(buffer.str(), members_);
  if (!ok || !text) {
    failed_ = true;
    return false;
  }
  real << *text;
  return true;
}

}  // namespace legion::harness
