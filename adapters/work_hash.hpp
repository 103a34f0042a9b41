#pragma once
// The output hash of an outcome: FNV-1a over the work a run did - every model reply (text
// and tool calls) and every tool result, in order - and not over the prompts, which each
// framework words its own way. Two frameworks that made the same calls and got the same
// replies have the same hash.
#include <cstdint>
#include <span>
#include <string_view>

#include "legion/hash.hpp"
#include "legion/message.hpp"

namespace legion::adapters {

class WorkHash {
 public:
  // Adds the assistant and tool messages of a transcript; others carry no work.
  void add(std::span<const ChatMessage> transcript);
  void add_message(const ChatMessage& message);
  void add_text(std::string_view text);
  std::uint64_t value() const { return hash_; }

 private:
  std::uint64_t hash_ = fnv1a("legion-work-v1");
};

}  // namespace legion::adapters
