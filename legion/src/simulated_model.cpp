#include "legion/simulated_model.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <functional>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <thread>
#include <unordered_map>

#include "json_util.hpp"
#include "legion/error.hpp"
#include "legion/hash.hpp"
#include "legion/timer.hpp"
#include "legion/tokens.hpp"
#include "script.hpp"

namespace legion {
namespace {

using detail::Operation;
using detail::Script;
using detail::ScriptLocation;
using detail::ScriptStep;
using detail::TemplatePiece;
using detail::TemplateText;
using detail::trim;

// A script text and its parse. The text is kept to rule out hash collisions.
struct CachedScript {
  std::string text;
  Script script;
};

// Parsed scripts by content. Scripts are immutable and few (one per scenario and role), so
// the cache only grows; a runaway number of distinct scripts resets it rather than letting
// memory climb.
class ScriptCache {
 public:
  std::shared_ptr<const CachedScript> get(std::string_view text) {
    const std::size_t key = std::hash<std::string_view>{}(text);
    {
      std::shared_lock lock(mutex_);
      const auto it = entries_.find(key);
      if (it != entries_.end() && it->second->text == text) return it->second;
    }
    // Parse outside the lock: a slow or failing parse must not stall other callers.
    auto parsed = std::make_shared<const CachedScript>(
        CachedScript{std::string(text), detail::parse_script(text)});
    std::unique_lock lock(mutex_);
    if (entries_.size() >= kMaxEntries) entries_.clear();
    entries_.insert_or_assign(key, parsed);
    return parsed;
  }

 private:
  static constexpr std::size_t kMaxEntries = 4096;
  std::shared_mutex mutex_;
  std::unordered_map<std::size_t, std::shared_ptr<const CachedScript>> entries_;
};

bool contains_lower(std::string_view text, std::string_view needle) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find(needle) != std::string::npos;
}

// Everything a template may refer to, derived from the conversation alone.
class Turn {
 public:
  Turn(const ModelRequest& request, const ScriptLocation& where, std::size_t step)
      : messages_(request.messages), where_(where), step_(step) {}

  std::size_t step() const { return step_; }

  std::string expand(const TemplateText& text, int line) const {
    if (!text.has_templates()) return text.literal;
    std::string out;
    for (const TemplatePiece& piece : text.pieces) append(piece, line, out);
    return out;
  }

 private:
  [[noreturn]] void missing(const TemplatePiece& piece, int line, const char* why) const {
    throw ScriptError("script line " + std::to_string(line) + ": step " +
                      std::to_string(step_ + 1) + ": template " + piece.text + " " + why);
  }

  // Tool messages after the script message, oldest first.
  std::vector<const std::string*> results() const {
    std::vector<const std::string*> out;
    for (std::size_t i = where_.message + 1; i < messages_.size(); ++i) {
      if (messages_[i].role == Role::kTool) out.push_back(&messages_[i].content);
    }
    return out;
  }

  // The script message counts as the text around its block: the block is instructions to
  // the simulator, not conversation.
  std::string outside_block() const {
    const std::string_view content(messages_[where_.message].content);
    std::string out(trim(content.substr(0, where_.block_begin)));
    const std::string_view after = trim(content.substr(where_.block_end));
    if (!out.empty() && !after.empty()) out += '\n';
    out += after;
    return out;
  }

  bool find(const re2::RE2& regex, std::string& out) const {
    for (std::size_t i = messages_.size(); i-- > 0;) {
      const std::string_view content(messages_[i].content);
      if (i != where_.message) {
        if (detail::find_last_match(regex, content, out)) return true;
        continue;
      }
      if (detail::find_last_match(regex, content.substr(where_.block_end), out)) return true;
      if (detail::find_last_match(regex, content.substr(0, where_.block_begin), out)) return true;
    }
    return false;
  }

  void append(const TemplatePiece& piece, int line, std::string& out) const {
    using Kind = TemplatePiece::Kind;
    switch (piece.kind) {
      case Kind::kLiteral:
        out += piece.text;
        return;
      case Kind::kStep:
        out += std::to_string(step_ + 1);
        return;
      case Kind::kResult: {
        for (std::size_t i = messages_.size(); i-- > where_.message + 1;) {
          if (messages_[i].role == Role::kTool) {
            out += messages_[i].content;
            return;
          }
        }
        missing(piece, line, "has no tool result after the script message");
      }
      case Kind::kResultAt: {
        const auto all = results();
        if (piece.index > all.size()) {
          missing(piece, line,
                  ("has no referent: " + std::to_string(all.size()) + " tool results").c_str());
        }
        out += *all[piece.index - 1];
        return;
      }
      case Kind::kResults: {
        const auto all = results();
        if (all.empty()) missing(piece, line, "has no tool result after the script message");
        for (std::size_t i = 0; i < all.size(); ++i) {
          if (i > 0) out += "; ";
          out += *all[i];
        }
        return;
      }
      case Kind::kLast: {
        for (std::size_t i = messages_.size(); i-- > 0;) {
          const ChatMessage& message = messages_[i];
          if (message.role != Role::kUser && message.role != Role::kTool) continue;
          out += i == where_.message ? outside_block() : message.content;
          return;
        }
        missing(piece, line, "has no user or tool message");
      }
      case Kind::kFind: {
        std::string value;
        if (!find(*piece.regex, value)) missing(piece, line, "matches nothing in the conversation");
        out += value;
        return;
      }
    }
  }

  const std::vector<ChatMessage>& messages_;
  const ScriptLocation& where_;
  std::size_t step_;
};

// Built in place: on the hot path the concatenation of temporaries showed up in profiles.
std::string call_id(std::size_t step, std::size_t index) {
  char buffer[64] = "call_";
  char* end = std::to_chars(buffer + 5, buffer + 40, step).ptr;
  *end++ = '_';
  end = std::to_chars(end, buffer + sizeof buffer, index).ptr;
  return std::string(buffer, end);
}

// A string value that is exactly one template and expands to a JSON number becomes that
// number, so one tool's result can feed the next tool's numeric argument.
Json template_value(const TemplateText& text, std::string value) {
  if (text.pieces.size() == 1 && text.pieces[0].kind != TemplatePiece::Kind::kLiteral) {
    Json number = Json::parse(value, nullptr, false);
    if (number.is_number()) return number;
  }
  return Json(std::move(value));
}

// The delegation call for `delegate WORKER TEXT` (docs/simulated-model.md, "Delegation").
ToolCall delegation_call(const ModelRequest& request, const ScriptStep& step, std::string task) {
  ToolCall call;
  call.id = call_id(0, 0);
  for (const ToolSpec& tool : request.tools) {
    if (tool.name == "delegate") {
      call.name = tool.name;
      call.arguments = {{"worker", step.worker}, {"task", std::move(task)}};
      return call;
    }
  }
  for (const ToolSpec& tool : request.tools) {
    if (!contains_lower(tool.name, "delegate")) continue;
    call.name = tool.name;
    call.arguments = Json::object();
    const Json* properties = tool.parameters.is_object() && tool.parameters.contains("properties")
                                 ? &tool.parameters["properties"]
                                 : nullptr;
    if (properties == nullptr || !properties->is_object()) return call;
    const Json empty = Json::array();
    const Json& required =
        tool.parameters.contains("required") ? tool.parameters["required"] : empty;
    for (auto it = properties->begin(); it != properties->end(); ++it) {
      const std::string& name = it.key();
      if (contains_lower(name, "coworker") || contains_lower(name, "worker") ||
          contains_lower(name, "agent") || contains_lower(name, "to")) {
        call.arguments[name] = step.worker;
      } else if (contains_lower(name, "task")) {
        call.arguments[name] = task;
      } else if (it.value().is_object() && it.value().contains("type") &&
                 it.value()["type"] == "string" && required.is_array() &&
                 std::find(required.begin(), required.end(), name) != required.end()) {
        call.arguments[name] = "";
      }
    }
    return call;
  }
  throw ScriptError("script line " + std::to_string(step.line) +
                    ": delegate: the request offers no delegation tool (a tool named "
                    "'delegate' or one whose name contains 'delegate')");
}

ChatMessage build_reply(const ModelRequest& request, const ScriptStep& step, const Turn& turn) {
  ChatMessage reply;
  reply.role = Role::kAssistant;
  switch (step.operation) {
    case Operation::kCall:
      reply.tool_calls.reserve(step.calls.size());
      for (std::size_t i = 0; i < step.calls.size(); ++i) {
        const detail::ScriptCall& script_call = step.calls[i];
        ToolCall& call = reply.tool_calls.emplace_back();
        call.id = call_id(turn.step(), i);
        call.name = script_call.tool;
        call.arguments = script_call.arguments;
        for (const auto& [where, text] : script_call.templated) {
          call.arguments[where] = template_value(text, turn.expand(text, step.line));
        }
      }
      break;
    case Operation::kDelegate: {
      ToolCall call = delegation_call(request, step, turn.expand(step.text, step.line));
      call.id = call_id(turn.step(), 0);
      reply.tool_calls.push_back(std::move(call));
      break;
    }
    default:
      reply.content = turn.expand(step.text, step.line);
  }
  return reply;
}

// What keys a random latency draw: the script and the step - where the request stands in the
// scripted work - and not the request's wording, which every framework chooses for itself
// (prompts, wrappers, how another agent's turn is presented). So every framework that does the
// same work draws the same latencies, request by request.
std::uint64_t latency_key(std::string_view script, std::size_t step) {
  std::uint64_t hash = fnv1a("legion-latency-v2");
  hash = fnv1a(script, hash);
  return fnv1a_value(step, hash);
}

std::size_t step_of(const ModelRequest& request, const ScriptLocation& where) {
  std::size_t step = 0;
  for (std::size_t i = where.message + 1; i < request.messages.size(); ++i) {
    step += request.messages[i].role == Role::kAssistant ? 1 : 0;
  }
  return step;
}

}  // namespace

struct SimulatedModel::Impl {
  ScriptCache scripts;
  std::atomic<std::uint64_t> calls{0};
  std::atomic<std::uint64_t> prompt_tokens{0};
  std::atomic<std::uint64_t> completion_tokens{0};
  std::atomic<std::int64_t> model_time_ns{0};
};

SimulatedModel::SimulatedModel(SimulatedModelOptions options)
    : options_(options), impl_(std::make_unique<Impl>()) {}

SimulatedModel::~SimulatedModel() = default;

SimulatedModel::Deferred SimulatedModel::reply(const ModelRequest& request) const {
  const ScriptLocation where = detail::locate_script(request.messages);
  const std::shared_ptr<const CachedScript> cached = impl_->scripts.get(where.body);
  const Script& script = cached->script;

  const std::size_t step = step_of(request, where);
  if (step >= script.steps.size()) {
    throw ScriptError("script has " + std::to_string(script.steps.size()) + " steps; step " +
                      std::to_string(step + 1) + " requested");
  }

  Deferred out;
  ModelResponse& response = out.response;
  response.message = build_reply(request, script.steps[step], Turn(request, where, step));
  response.usage.prompt_tokens = count_prompt_tokens(request);
  response.usage.completion_tokens = count_completion_tokens(response.message);
  if (options_.latency.kind() != LatencyModel::Kind::kNone) {
    out.wait = std::max(options_.latency.sample(options_.seed, latency_key(where.body, step),
                                                response.usage.completion_tokens),
                        std::chrono::nanoseconds{0});
  }
  return out;
}

void SimulatedModel::count(const ModelResponse& response) {
  impl_->calls.fetch_add(1, std::memory_order_relaxed);
  impl_->prompt_tokens.fetch_add(response.usage.prompt_tokens, std::memory_order_relaxed);
  impl_->completion_tokens.fetch_add(response.usage.completion_tokens, std::memory_order_relaxed);
  impl_->model_time_ns.fetch_add(response.model_time.count(), std::memory_order_relaxed);
}

ModelResponse SimulatedModel::complete(const ModelRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  Deferred out = reply(request);
  if (out.wait.count() > 0) std::this_thread::sleep_for(out.wait);
  out.response.model_time = std::chrono::steady_clock::now() - start;
  count(out.response);
  return std::move(out.response);
}

Task<ModelResponse> SimulatedModel::complete_async(const ModelRequest& request) {
  Deferred out = complete_deferred(request);
  if (out.wait.count() > 0) co_await sleep_for(out.wait);
  co_return std::move(out.response);
}

SimulatedModel::Deferred SimulatedModel::complete_deferred(const ModelRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  Deferred out = reply(request);
  out.response.model_time = (std::chrono::steady_clock::now() - start) + out.wait;
  count(out.response);
  return out;
}

std::chrono::nanoseconds SimulatedModel::latency_for(const ModelRequest& request,
                                                     std::uint64_t completion_tokens) const {
  const LatencyModel& latency = options_.latency;
  if (latency.kind() != LatencyModel::Kind::kLognormal) {
    return latency.sample(options_.seed, 0, completion_tokens);
  }
  const ScriptLocation where = detail::locate_script(request.messages);
  return latency.sample(options_.seed, latency_key(where.body, step_of(request, where)),
                        completion_tokens);
}

ModelCounters SimulatedModel::counters() const {
  ModelCounters out;
  out.calls = impl_->calls.load(std::memory_order_relaxed);
  out.prompt_tokens = impl_->prompt_tokens.load(std::memory_order_relaxed);
  out.completion_tokens = impl_->completion_tokens.load(std::memory_order_relaxed);
  out.model_time = std::chrono::nanoseconds(impl_->model_time_ns.load(std::memory_order_relaxed));
  return out;
}

void SimulatedModel::reset_counters() {
  impl_->calls.store(0, std::memory_order_relaxed);
  impl_->prompt_tokens.store(0, std::memory_order_relaxed);
  impl_->completion_tokens.store(0, std::memory_order_relaxed);
  impl_->model_time_ns.store(0, std::memory_order_relaxed);
}

}  // namespace legion
