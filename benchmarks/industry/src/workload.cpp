#include "industry/workload.hpp"

#include "legion/error.hpp"
#include "registry.hpp"

namespace industry {

void JobContext::set(Job job) {
  std::lock_guard lock(mutex_);
  job_ = std::move(job);
}

Job JobContext::get() const {
  std::lock_guard lock(mutex_);
  return job_;
}

Json JobContext::param(const char* name) const {
  std::lock_guard lock(mutex_);
  const auto it = job_.params.find(name);
  if (it == job_.params.end()) throw legion::Error(std::string("job has no '") + name + "'");
  return *it;
}

std::unique_ptr<legion::adapters::Adapter> start_adapter(const std::string& framework) {
  std::unique_ptr<legion::adapters::Adapter> adapter;
  try {
    adapter = legion::adapters::make_adapter(framework);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  try {
    adapter->start();
  } catch (const legion::ConfigError& e) {
    throw UsageError(framework + ": " + e.what());
  }
  return adapter;
}

Slot::Slot(const RunSettings& settings, const std::vector<WorkClass>& classes) : classes_(classes) {
  for (const WorkClass& c : classes) {
    auto adapter = start_adapter(settings.framework);
    if (version_.empty()) version_ = adapter->version();
    const auto support = adapter->support(c.scenario);
    if (!support.supported) throw Unsupported("class " + c.name + ": " + support.reason);
    legion::adapters::RunConfig config;
    config.seed = settings.seed;
    config.latency = settings.latency;
    config.extra_tools = c.tools ? c.tools(context_) : std::vector<legion::Tool>{};
    adapter->prepare(c.scenario, config);
    inputs_.push_back(legion::adapters::instantiate(c.scenario, config.parameters, config.seed));
    adapters_.push_back(std::move(adapter));
  }
}

Slot::~Slot() {
  for (auto& adapter : adapters_) adapter->teardown();
}

Slot::Result Slot::run(std::size_t index, Job job) {
  Result result;
  const WorkClass& c = classes_.at(index);
  const Job copy = job;
  context_.set(std::move(job));
  try {
    result.outcome = adapters_[index]->run(inputs_[index]);
    result.error = c.check ? c.check(copy, result.outcome.answer) : "";
  } catch (const std::exception& e) {
    result.error = c.name + ": " + e.what();
  }
  return result;
}

Slot& SlotsByThread::mine() {
  const auto self = std::this_thread::get_id();
  std::lock_guard lock(mutex_);
  for (const auto& [id, slot] : taken_) {
    if (id == self) return *slot;
  }
  if (taken_.size() >= slots_.size()) throw legion::Error("more worker threads than slots");
  Slot* slot = slots_[taken_.size()].get();
  taken_.emplace_back(self, slot);
  return *slot;
}

std::int64_t json_integer(const Json& v) {
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (v.is_number()) return static_cast<std::int64_t>(v.get<double>());
  if (v.is_string()) return std::stoll(v.get<std::string>());
  throw legion::Error("expected an integer, got " + v.dump());
}

legion::adapters::Scenario single_agent(const std::string& id, const std::string& agent,
                                        std::vector<std::string> tools, std::string task) {
  legion::adapters::Scenario s;
  s.id = id;
  s.description = id;
  s.source = "legion-industry";
  s.pattern = legion::adapters::Pattern::kSingle;
  s.tools = tools;
  s.agents.push_back(
      {agent, "a " + agent, "complete the " + id + " request", "", std::move(tools)});
  s.tasks.push_back(std::move(task));
  s.expected = "";
  s.min_model_calls = "1";
  return s;
}

legion::Tool make_tool(const std::string& name, const std::string& description,
                       const std::vector<std::string>& properties, legion::ToolFunction function) {
  Json props = Json::object();
  Json required = Json::array();
  for (const std::string& p : properties) {
    const auto colon = p.find(':');
    const std::string key = p.substr(0, colon);
    props[key] = {{"type", colon == std::string::npos ? "string" : p.substr(colon + 1)}};
    required.push_back(key);
  }
  Json schema = {{"type", "object"}, {"properties", props}, {"required", required}};
  return legion::Tool{{name, description, std::move(schema)}, std::move(function)};
}

}  // namespace industry
