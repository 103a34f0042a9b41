#include "run_command.hpp"

#include <memory>
#include <ostream>

#include "legion/error.hpp"
#include "legion/store/task_store.hpp"
#include "legion/text_output.hpp"
#include "legion/utf8.hpp"
#include "workflow.hpp"

namespace legion::cli {

void add_run_command(CLI::App& app, CliIo io) {
  auto* command = app.add_subcommand(
      "run", "run a workflow spec (agents, tools, pattern, model; see docs/workflow-spec.md)");
  struct Options {
    std::string file, store, id, out;
  };
  auto options = std::make_shared<Options>();
  command->add_option("workflow", options->file, "the workflow spec (JSON)")->required();
  command->add_option("--store", options->store,
                      "checkpoint into this store (sqlite://PATH, postgresql://...): a rerun "
                      "resumes after the last completed step");
  command->add_option("--workflow-id", options->id, "checkpoint key (default: the spec's name)");
  command->add_option("--out", options->out, "write the result JSON to FILE instead of stdout");
  command->callback([options, io] {
    if (!valid_utf8(options->id)) throw ConfigError("--workflow-id: not valid UTF-8");
    auto spec = load_workflow(options->file);
    std::unique_ptr<store::TaskStore> store;
    if (!options->store.empty()) store = store::open_store(options->store);
    auto result = run_workflow(spec, store.get(), options->id);
    const std::string text = result.dump(2) + "\n";
    if (options->out.empty()) {
      write_text(io.out, text, "standard output");
    } else {
      write_text_file(options->out, text);
    }
  });
}

}  // namespace legion::cli
