// Group chat over the message bus: every turn is published on one topic; each participant
// reads its mailbox into its own view of the conversation just before it speaks, so what an
// agent knows is exactly what the bus delivered to it.
#include "legion/bus.hpp"
#include "legion/error.hpp"
#include "legion/patterns.hpp"
#include "legion/sync_wait.hpp"
#include "legion/trace.hpp"

namespace legion {
namespace {

constexpr const char* kTopic = "group-chat";

struct Participant {
  const Agent* agent;
  AgentResult run;  // transcript = this participant's view
};

void drain_mailbox(MessageBus& bus, Participant& participant, const RunContext& context) {
  const auto mailbox = bus.mailbox(participant.agent->name());
  while (auto message = mailbox->try_pop()) {
    if (context.trace) {
      context.trace->record(
          SpanKind::kBusHop, message->topic, message->sent_at, message->received_at,
          context.parent_span,
          {{"from", message->sender}, {"to", participant.agent->name()}, {"id", message->id}});
    }
    if (message->sender == participant.agent->name()) continue;  // its own turn, already known
    participant.run.transcript.push_back(
        {Role::kUser, message->sender + ": " + message->payload, message->sender, {}, {}});
  }
}

}  // namespace

Task<PatternResult> run_group_chat_async(std::span<const Agent* const> agents, Model& model,
                                         std::string task, GroupChatOptions options,
                                         RunContext context) {
  if (agents.empty()) throw ConfigError("group chat: no agents");
  if (options.max_turns == 0) throw ConfigError("group chat: max_turns must be > 0");
  const bool by_model = options.selection == SpeakerSelection::kModel;
  if (by_model && !options.selector) {
    throw ConfigError("group chat: model-selected speakers need a selector agent");
  }

  // Reject rather than block: one coroutine plays every agent, so a full mailbox could never
  // drain while its producer waits.
  MessageBus bus(BusOptions{options.mailbox_capacity, OverflowPolicy::kReject});
  std::vector<Participant> participants;
  participants.reserve(agents.size());
  std::string roster;
  for (const Agent* agent : agents) {
    if (!agent) throw ConfigError("group chat: a participant is null");
    bus.subscribe(kTopic, agent->name());
    Participant participant{agent, {}};
    participant.run.transcript = {{Role::kSystem, agent->system_prompt(), {}, {}, {}},
                                  {Role::kUser, task, {}, {}, {}}};
    participants.push_back(std::move(participant));
    roster += roster.empty() ? agent->name() : ", " + agent->name();
  }

  AgentResult selector_run;
  if (by_model) {
    selector_run.transcript = {
        {Role::kSystem, options.selector->system_prompt(), {}, {}, {}},
        {Role::kUser, task + "\nParticipants: " + roster + "\nName the next speaker.", {}, {}, {}}};
  }

  PatternResult result;
  Json turns = Json::array();
  for (std::size_t turn = 0; turn < options.max_turns; ++turn) {
    Participant* speaker = nullptr;
    if (by_model) {
      const std::string choice = co_await options.selector->respond_async(
          model, selector_run.transcript, selector_run.usage, context);
      for (Participant& candidate : participants) {
        if (candidate.agent->name() == choice) speaker = &candidate;
      }
      if (!speaker) {
        throw Error("group chat: the selector chose '" + choice + "', not one of: " + roster);
      }
    } else {
      speaker = &participants[turn % participants.size()];
    }

    drain_mailbox(bus, *speaker, context);
    const std::string reply = co_await speaker->agent->respond_async(model, speaker->run.transcript,
                                                                     speaker->run.usage, context);
    bus.publish(kTopic, speaker->agent->name(), reply);
    if (by_model) {
      selector_run.transcript.push_back(
          {Role::kUser, speaker->agent->name() + ": " + reply, speaker->agent->name(), {}, {}});
    }
    turns.push_back({{"speaker", speaker->agent->name()}, {"text", reply}});
    result.answer = reply;
    if (!options.terminate_on.empty() && reply.find(options.terminate_on) != std::string::npos) {
      break;
    }
  }

  for (Participant& participant : participants) {
    drain_mailbox(bus, participant, context);  // every view ends with the whole conversation
    participant.run.answer = participant.run.transcript.back().content;
    participant.run.steps = participant.run.usage.model_calls;
    result.usage += participant.run.usage;
    result.runs.push_back(std::move(participant.run));
  }
  if (by_model) {
    selector_run.steps = selector_run.usage.model_calls;
    result.usage += selector_run.usage;
    result.runs.push_back(std::move(selector_run));
  }
  const BusStats stats = bus.stats();
  result.details = {{"turns", std::move(turns)},
                    {"bus", {{"published", stats.published}, {"delivered", stats.delivered}}}};
  co_return std::move(result);
}

PatternResult run_group_chat(std::span<const Agent* const> agents, Model& model,
                             const std::string& task, const GroupChatOptions& options,
                             const RunContext& context) {
  return sync_wait(run_group_chat_async(agents, model, task, options, context));
}

}  // namespace legion
