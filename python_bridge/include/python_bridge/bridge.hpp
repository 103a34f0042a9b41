#pragma once
// The `legion_bridge` module: what Python sees of the runtime. The bridge carries calls, not
// logic: every reply comes from the one C++ SimulatedModel (same object, same scripts, so the
// same replies as the native adapter), every catalogue tool runs in C++, retrieval is the
// runtime's DocumentStore, embeddings are the HashedEmbedder's. Python API (docs/python-bridge.md):
//
//   model.complete(messages, tools=None) -> dict       blocks for the latency, GIL released
//   model.complete_deferred(messages, tools=None)      the reply now; "wait_s" to await
//   tools.call(name, arguments) -> str; tools.specs() -> [{name, description, parameters}]
//   memory.search(query, k) -> [(id, text)]; memory.size
//   embed(text), embed_many(texts), EMBEDDING_DIMENSIONS, count_tokens(text), noop()
//   ScriptError (a RuntimeError): the script has no reply for this conversation
//
// Messages are dicts {"role", "content", "name"?, "tool_call_id"?, "tool_calls"?: [{"id",
// "name", "arguments": dict}]}; a reply is {"content", "tool_calls", "prompt_tokens",
// "completion_tokens", "wait_s"}.
#include <pybind11/pybind11.h>

#include "legion/memory.hpp"
#include "legion/simulated_model.hpp"
#include "legion/tool.hpp"

namespace legion::python {

// Python handles over C++ objects, which must outlive every use from Python (the adapter
// owns both). Call with the GIL held.
pybind11::object wrap_model(SimulatedModel& model);
pybind11::object wrap_tools(const ToolRegistry& tools, const std::vector<std::string>& names);
pybind11::object wrap_memory(const DocumentStore* memory);  // None for nullptr

// A list of message dicts (the format above) as the runtime's messages; throws ConfigError
// on a malformed message.
std::vector<ChatMessage> to_messages(pybind11::handle list);

}  // namespace legion::python
