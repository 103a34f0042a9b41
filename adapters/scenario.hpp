#pragma once
// The one Scenario type: a catalog entry (benchmarks/scenarios/<id>.json) loaded and
// validated once, and its instantiation for one parameter binding and seed. Every adapter
// translates the same ScenarioInput into its framework's idiom; none redefines what the
// scenario is or what counts as correct. This file depends on nothing but the runtime.
//
// Templates in spec strings use ${...} so they never clash with the simulated model's
// {{...}} templates: ${name} is a parameter or an input (a string input is inserted as is),
// ${expr} an integer expression over them (+ - * / %, parentheses).
#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace legion::adapters {

using Json = nlohmann::json;

// A malformed spec: the message is one line naming the file and the field.
class ScenarioError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Pattern {
  kSingle,
  kPipeline,
  kHierarchy,
  kGroupChat,
  kConsensus,
  kFanOut,
  kIterative,
  kHuman,
  kConcurrent,
};
const char* to_string(Pattern pattern);

struct AgentSpec {
  std::string name;
  std::string role;
  std::string goal;
  std::string instructions;  // may hold a model script
  std::vector<std::string> tools;
};

struct Parameter {
  std::string name;
  std::vector<std::int64_t> values;  // the first is the smallest, used by --smoke
};

// An input drawn from the seed or derived from parameters and earlier inputs.
//   {"name": N, "random": [LO, HI]}       uniform integer in [LO, HI] (expressions)
//   {"name": N, "value": EXPR}            an integer expression
//   {"name": N, "text": TEMPLATE}         a string
//   {"name": N, "repeat": TEMPLATE, "count": EXPR}   the template COUNT times
//   {"name": N, "fact_code": EXPR}        corpus_fact_code(EXPR, seed)
//   {"name": N, "fact_query": EXPR}       corpus_fact_query(EXPR)
struct InputSpec {
  std::string name;
  std::string kind;
  Json arguments;
};

struct Scenario {
  std::string id;
  std::string description;
  std::string source;  // the file it came from
  Pattern pattern = Pattern::kSingle;
  std::vector<AgentSpec> agents;
  std::vector<std::string> tools;  // every tool the agents use, from the harness catalogue
  std::vector<Parameter> parameters;
  std::vector<InputSpec> inputs;
  std::vector<std::string> tasks;  // one per pipeline stage / fan-out branch, else one
  std::string pipeline_input;      // the pipeline's initial {{input}}
  std::string expected;
  std::string min_model_calls;             // expression
  std::string corpus_documents;            // expression; empty = no retrieval memory
  std::string max_turns;                   // group chat
  std::string runs_at_once;                // concurrent: runs per iteration
  std::string max_iterations;              // iterative
  std::string checker_feedback;            // iterative: the feedback while the checker fails
  std::vector<std::string> human_replies;  // human: in order, cycling
  bool execute_code = false;  // the model's fenced code runs in the sandbox, stdout fed back
  // group chat: the participants keep the conversation in the framework's conversation memory
  // across turns (a Python package picks its framework's idiom for that; LEGION's agents
  // always keep theirs).
  bool conversation_memory = false;
};

using Bindings = std::map<std::string, std::int64_t>;

// A scenario instantiated for one binding and seed: every template expanded.
struct ScenarioInput {
  std::string scenario_id;
  Pattern pattern = Pattern::kSingle;
  std::vector<AgentSpec> agents;
  std::vector<std::string> tasks;
  std::string pipeline_input;
  std::string expected;
  std::uint64_t min_model_calls = 0;
  std::size_t corpus_documents = 0;
  std::size_t max_turns = 0;
  std::size_t runs_at_once = 1;
  std::size_t max_iterations = 0;
  std::string checker_feedback;
  std::vector<std::string> human_replies;
  bool execute_code = false;
  bool conversation_memory = false;
  std::uint64_t seed = 0;
  std::map<std::string, std::string> variables;  // parameters and inputs, as text
};

Scenario load_scenario(const std::filesystem::path& file);  // throws ScenarioError
// What load_scenario does with the text it read from `file`: the errors name `file`, and the
// spec's id must be its stem.
Scenario parse_scenario(std::string_view text, const std::filesystem::path& file);
// Every *.json in `directory`, sorted by id; duplicate ids are an error.
std::vector<Scenario> load_catalog(const std::filesystem::path& directory);

// Throws ScenarioError when a binding is missing or an expression fails.
ScenarioInput instantiate(const Scenario& scenario, const Bindings& bindings, std::uint64_t seed);

// Every binding of the parameters (cartesian product, in declaration order); with
// `smallest` only each parameter's first value.
std::vector<Bindings> parameter_grid(const Scenario& scenario, bool smallest = false);

}  // namespace legion::adapters
