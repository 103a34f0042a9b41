#include "scenario.hpp"

#include <algorithm>
#include <set>
#include <sstream>

#include "legion/corpus.hpp"
#include "legion/error.hpp"
#include "legion/json_input.hpp"
#include "legion/message.hpp"
#include "legion/splitmix64.hpp"
#include "spec_template.hpp"

namespace legion::adapters {
namespace {

constexpr std::pair<const char*, Pattern> kPatterns[] = {
    {"single", Pattern::kSingle},         {"pipeline", Pattern::kPipeline},
    {"hierarchy", Pattern::kHierarchy},   {"group_chat", Pattern::kGroupChat},
    {"consensus", Pattern::kConsensus},   {"fan_out", Pattern::kFanOut},
    {"iterative", Pattern::kIterative},   {"human", Pattern::kHuman},
    {"concurrent", Pattern::kConcurrent},
};

const std::set<std::string> kTools = {"add", "multiply", "search_memory"};
const std::set<std::string> kInputKinds = {"random", "value",     "text",
                                           "repeat", "fact_code", "fact_query"};

// Reads one spec with every problem reported as "<file>: field '<path>': <why>".
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& field, const std::string& why) const {
    throw ScenarioError(file_ + ": field '" + field + "': " + why);
  }

  const Json& member(const Json& object, const std::string& key, const std::string& path) const {
    const auto found = object.find(key);
    if (found == object.end()) fail(path, "missing");
    return *found;
  }
  std::string text(const Json& object, const std::string& key, const std::string& path,
                   bool required = true) const {
    if (!required && !object.contains(key)) return "";
    const Json& value = member(object, key, path);
    if (value.is_number_integer()) return std::to_string(value.get<std::int64_t>());
    if (!value.is_string()) fail(path, "expected a string");
    return value.get<std::string>();
  }
  std::vector<std::string> texts(const Json& object, const std::string& key,
                                 const std::string& path, bool required = true) const {
    std::vector<std::string> out;
    if (!required && !object.contains(key)) return out;
    const Json& value = member(object, key, path);
    if (!value.is_array()) fail(path, "expected an array of strings");
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (!value[i].is_string()) fail(path + "[" + std::to_string(i) + "]", "expected a string");
      out.push_back(value[i].get<std::string>());
    }
    return out;
  }

 private:
  std::string file_;
};

void check_known_keys(const Reader& reader, const Json& object, const std::string& path,
                      const std::set<std::string>& known) {
  for (const auto& [key, value] : object.items()) {
    if (!known.contains(key)) reader.fail(path.empty() ? key : path + "." + key, "unknown field");
  }
}

Scenario parse(const Json& spec, const std::string& file) {
  const Reader r(file);
  if (!spec.is_object()) r.fail("(top level)", "expected a JSON object");
  check_known_keys(r, spec, "",
                   {"id", "description", "pattern", "agents", "tools", "parameters", "inputs",
                    "tasks", "pipeline_input", "expected", "min_model_calls", "corpus_documents",
                    "max_turns", "runs_at_once", "max_iterations", "checker_feedback",
                    "human_replies", "execute_code", "conversation_memory"});
  Scenario s;
  s.source = file;
  s.id = r.text(spec, "id", "id");
  if (s.id.empty() ||
      s.id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos) {
    r.fail("id", "must be lowercase letters, digits and '_'");
  }
  s.description = r.text(spec, "description", "description");
  const std::string pattern = r.text(spec, "pattern", "pattern");
  const auto* found = std::find_if(std::begin(kPatterns), std::end(kPatterns),
                                   [&](const auto& p) { return pattern == p.first; });
  if (found == std::end(kPatterns)) r.fail("pattern", "unknown pattern '" + pattern + "'");
  s.pattern = found->second;

  s.tools = r.texts(spec, "tools", "tools");
  for (std::size_t i = 0; i < s.tools.size(); ++i) {
    if (!kTools.contains(s.tools[i])) {
      r.fail("tools[" + std::to_string(i) + "]", "unknown tool '" + s.tools[i] + "'");
    }
  }
  const Json& agents = r.member(spec, "agents", "agents");
  if (!agents.is_array() || agents.empty()) r.fail("agents", "expected a non-empty array");
  for (std::size_t i = 0; i < agents.size(); ++i) {
    const std::string path = "agents[" + std::to_string(i) + "]";
    if (!agents[i].is_object()) r.fail(path, "expected an object");
    check_known_keys(r, agents[i], path, {"name", "role", "goal", "instructions", "tools"});
    AgentSpec a{r.text(agents[i], "name", path + ".name"),
                r.text(agents[i], "role", path + ".role"),
                r.text(agents[i], "goal", path + ".goal"),
                r.text(agents[i], "instructions", path + ".instructions", false),
                r.texts(agents[i], "tools", path + ".tools", false)};
    if (a.name.empty()) r.fail(path + ".name", "must not be empty");
    for (const std::string& tool : a.tools) {
      if (std::find(s.tools.begin(), s.tools.end(), tool) == s.tools.end()) {
        r.fail(path + ".tools", "tool '" + tool + "' is not listed in 'tools'");
      }
    }
    s.agents.push_back(std::move(a));
  }

  if (spec.contains("parameters")) {
    const Json& params = spec["parameters"];
    if (!params.is_array()) r.fail("parameters", "expected an array");
    for (std::size_t i = 0; i < params.size(); ++i) {
      const std::string path = "parameters[" + std::to_string(i) + "]";
      Parameter p{r.text(params[i], "name", path + ".name"), {}};
      const Json& values = r.member(params[i], "values", path + ".values");
      if (!values.is_array() || values.empty())
        r.fail(path + ".values", "expected a non-empty array");
      for (const Json& v : values) {
        if (!v.is_number_integer()) r.fail(path + ".values", "expected integers");
        p.values.push_back(v.get<std::int64_t>());
      }
      s.parameters.push_back(std::move(p));
    }
  }
  if (spec.contains("inputs")) {
    const Json& inputs = spec["inputs"];
    if (!inputs.is_array()) r.fail("inputs", "expected an array");
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      const std::string path = "inputs[" + std::to_string(i) + "]";
      if (!inputs[i].is_object()) r.fail(path, "expected an object");
      InputSpec in{r.text(inputs[i], "name", path + ".name"), "", Json()};
      for (const auto& [key, value] : inputs[i].items()) {
        if (key == "name" || key == "count") continue;
        if (!kInputKinds.contains(key)) r.fail(path + "." + key, "unknown input kind");
        in.kind = key;
        in.arguments = value;
      }
      if (in.kind.empty()) r.fail(path, "no input kind (random, value, text, repeat, ...)");
      if (in.kind == "random" && !(in.arguments.is_array() && in.arguments.size() == 2)) {
        r.fail(path + ".random", "expected [low, high]");
      }
      if (in.kind == "repeat") {
        in.arguments = Json::array({in.arguments, r.text(inputs[i], "count", path + ".count")});
      }
      s.inputs.push_back(std::move(in));
    }
  }
  s.tasks = r.texts(spec, "tasks", "tasks");
  if (s.tasks.empty()) r.fail("tasks", "expected at least one task");
  s.pipeline_input = r.text(spec, "pipeline_input", "pipeline_input", false);
  s.expected = r.text(spec, "expected", "expected");
  s.min_model_calls = r.text(spec, "min_model_calls", "min_model_calls");
  s.corpus_documents = r.text(spec, "corpus_documents", "corpus_documents", false);
  s.max_turns = r.text(spec, "max_turns", "max_turns", s.pattern == Pattern::kGroupChat);
  s.runs_at_once = r.text(spec, "runs_at_once", "runs_at_once", s.pattern == Pattern::kConcurrent);
  s.max_iterations =
      r.text(spec, "max_iterations", "max_iterations", s.pattern == Pattern::kIterative);
  s.checker_feedback =
      r.text(spec, "checker_feedback", "checker_feedback", s.pattern == Pattern::kIterative);
  s.human_replies = r.texts(spec, "human_replies", "human_replies", s.pattern == Pattern::kHuman);
  if (spec.contains("execute_code")) {
    if (!spec["execute_code"].is_boolean()) r.fail("execute_code", "expected true or false");
    s.execute_code = spec["execute_code"].get<bool>();
  }
  if (spec.contains("conversation_memory")) {
    if (!spec["conversation_memory"].is_boolean())
      r.fail("conversation_memory", "expected true or false");
    if (s.pattern != Pattern::kGroupChat)
      r.fail("conversation_memory", "only the group_chat pattern has a conversation");
    s.conversation_memory = spec["conversation_memory"].get<bool>();
  }
  const std::size_t stages = s.tasks.size();
  if ((s.pattern == Pattern::kPipeline || s.pattern == Pattern::kFanOut) &&
      stages != s.agents.size()) {
    r.fail("tasks", "a pipeline needs one task per agent");
  }
  if (s.pattern == Pattern::kHierarchy && s.agents.size() < 2) {
    r.fail("agents", "a hierarchy needs a manager and at least one worker");
  }

  // Instantiating with the first values proves every template and expression resolves.
  instantiate(s, parameter_grid(s, true).front(), 1);
  return s;
}

}  // namespace

const char* to_string(Pattern pattern) {
  for (const auto& [name, value] : kPatterns) {
    if (value == pattern) return name;
  }
  return "?";
}

Scenario load_scenario(const std::filesystem::path& file) {
  std::string text;
  try {
    text = read_text_file(file.string());
  } catch (const ConfigError& error) {
    throw ScenarioError(error.what());
  }
  return parse_scenario(text, file);
}

Scenario parse_scenario(std::string_view text, const std::filesystem::path& file) {
  ParsedJson spec = parse_json(text);
  if (!spec.ok()) throw ScenarioError(file.string() + ": " + spec.error);
  Scenario s = parse(spec.value, file.string());
  if (s.id != file.stem().string()) {
    throw ScenarioError(file.string() + ": field 'id': '" + s.id + "' must match the file name");
  }
  return s;
}

std::vector<Scenario> load_catalog(const std::filesystem::path& directory) {
  std::vector<std::filesystem::path> files;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(directory, error)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  if (error)
    throw ScenarioError(directory.string() + ": cannot list scenarios: " + error.message());
  std::sort(files.begin(), files.end());
  std::vector<Scenario> catalog;
  catalog.reserve(files.size());
  for (const auto& file : files) catalog.push_back(load_scenario(file));
  if (catalog.empty()) throw ScenarioError(directory.string() + ": no scenario files (*.json)");
  return catalog;
}

std::vector<Bindings> parameter_grid(const Scenario& scenario, bool smallest) {
  std::vector<Bindings> grid{{}};
  for (const Parameter& p : scenario.parameters) {
    std::vector<Bindings> next;
    for (const Bindings& partial : grid) {
      for (std::int64_t value : p.values) {
        Bindings b = partial;
        b[p.name] = value;
        next.push_back(std::move(b));
        if (smallest) break;
      }
    }
    grid = std::move(next);
  }
  return grid;
}

ScenarioInput instantiate(const Scenario& s, const Bindings& bindings, std::uint64_t seed) {
  std::string field;  // names what was being expanded when an error escapes
  auto fail = [&](const std::string& why) -> ScenarioError {
    return ScenarioError(s.source + ": field '" + field + "': " + why);
  };
  Variables vars;
  for (const Parameter& p : s.parameters) {
    const auto found = bindings.find(p.name);
    field = "parameters";
    if (found == bindings.end()) throw fail("no value bound for '" + p.name + "'");
    vars[p.name] = std::to_string(found->second);
  }
  vars["seed"] = std::to_string(seed);
  try {
    for (std::size_t i = 0; i < s.inputs.size(); ++i) {
      const InputSpec& in = s.inputs[i];
      field = "inputs[" + std::to_string(i) + "]." + in.kind;
      auto expr = [&](const Json& j) {
        return evaluate(j.is_string() ? j.get<std::string>() : j.dump(), vars);
      };
      std::string value;
      if (in.kind == "random") {
        const std::int64_t lo = expr(in.arguments[0]), hi = expr(in.arguments[1]);
        if (hi < lo) throw std::invalid_argument("empty range");
        // Keyed by the input's name too, so adding an input never shifts another's draw.
        SplitMix64 rng(seed ^ fnv1a(s.id + "/" + in.name));
        value = std::to_string(
            lo + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(hi - lo) + 1)));
      } else if (in.kind == "value") {
        value = std::to_string(expr(in.arguments));
      } else if (in.kind == "text") {
        value = expand(in.arguments.get<std::string>(), vars);
      } else if (in.kind == "repeat") {
        const std::int64_t count = expr(in.arguments[1]);
        for (std::int64_t k = 0; k < count; ++k)
          value += expand(in.arguments[0].get<std::string>(), vars);
      } else if (in.kind == "fact_code") {
        value = corpus_fact_code(static_cast<std::size_t>(expr(in.arguments)), seed);
      } else {
        value = corpus_fact_query(static_cast<std::size_t>(expr(in.arguments)));
      }
      vars[in.name] = std::move(value);
    }
    ScenarioInput out;
    out.scenario_id = s.id;
    out.pattern = s.pattern;
    out.seed = seed;
    out.execute_code = s.execute_code;
    out.conversation_memory = s.conversation_memory;
    for (std::size_t i = 0; i < s.agents.size(); ++i) {
      field = "agents[" + std::to_string(i) + "].instructions";
      AgentSpec a = s.agents[i];
      a.instructions = expand(a.instructions, vars);
      a.goal = expand(a.goal, vars);
      out.agents.push_back(std::move(a));
    }
    for (std::size_t i = 0; i < s.tasks.size(); ++i) {
      field = "tasks[" + std::to_string(i) + "]";
      out.tasks.push_back(expand(s.tasks[i], vars));
    }
    auto count = [&](const char* name, const std::string& text) -> std::size_t {
      field = name;
      if (text.empty()) return 0;
      const std::int64_t v = evaluate(text, vars);
      if (v < 0) throw std::invalid_argument("negative value " + std::to_string(v));
      return static_cast<std::size_t>(v);
    };
    field = "pipeline_input";
    out.pipeline_input = expand(s.pipeline_input, vars);
    field = "expected";
    out.expected = expand(s.expected, vars);
    out.min_model_calls = count("min_model_calls", s.min_model_calls);
    out.corpus_documents = count("corpus_documents", s.corpus_documents);
    out.max_turns = count("max_turns", s.max_turns);
    out.runs_at_once = std::max<std::size_t>(1, count("runs_at_once", s.runs_at_once));
    out.max_iterations = count("max_iterations", s.max_iterations);
    field = "checker_feedback";
    out.checker_feedback = expand(s.checker_feedback, vars);
    for (std::size_t i = 0; i < s.human_replies.size(); ++i) {
      field = "human_replies[" + std::to_string(i) + "]";
      out.human_replies.push_back(expand(s.human_replies[i], vars));
    }
    out.variables = std::move(vars);
    return out;
  } catch (const std::invalid_argument& error) {
    throw fail(error.what());
  } catch (const Json::exception& error) {
    throw fail(error.what());
  }
}

}  // namespace legion::adapters
