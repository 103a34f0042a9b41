#include "critical_path.hpp"

#include <algorithm>

#include "legion/tokens.hpp"

namespace legion::adapters {
namespace {

// One run's calls: each assistant message was the reply to the messages before it.
std::chrono::nanoseconds chain(const std::vector<ChatMessage>& transcript,
                               const SimulatedModel& model) {
  std::chrono::nanoseconds total{0};
  ModelRequest request;
  for (const ChatMessage& message : transcript) {
    if (message.role == Role::kAssistant) {
      total += model.latency_for(request, count_completion_tokens(message));
    }
    request.messages.push_back(message);
  }
  return total;
}

bool side_by_side(Pattern pattern) {
  return pattern == Pattern::kConcurrent || pattern == Pattern::kConsensus ||
         pattern == Pattern::kFanOut;
}

}  // namespace

ModelLatency model_latency(Pattern pattern, std::span<const std::vector<ChatMessage>> transcripts,
                           const SimulatedModel& model) {
  ModelLatency out;
  for (const std::vector<ChatMessage>& transcript : transcripts) {
    const std::chrono::nanoseconds run = chain(transcript, model);
    out.sum += run;
    out.critical_path =
        side_by_side(pattern) ? std::max(out.critical_path, run) : out.critical_path + run;
  }
  return out;
}

}  // namespace legion::adapters
