#include <pybind11/embed.h>
#include <pybind11/stl.h>

#include "legion/embedder.hpp"
#include "legion/error.hpp"
#include "legion/tokens.hpp"
#include "python_bridge/bridge.hpp"
#include "python_bridge/json.hpp"

namespace py = pybind11;

namespace legion::python {
namespace {

std::string str_item(const py::dict& d, const char* key) {
  if (!d.contains(key)) return {};
  py::handle value = d[key];
  return value.is_none() ? std::string() : value.cast<std::string>();
}

ChatMessage to_message(py::handle object) {
  if (!py::isinstance<py::dict>(object)) throw ConfigError("a message must be a dict");
  const py::dict d = py::reinterpret_borrow<py::dict>(object);
  ChatMessage message;
  message.role = role_from_string(str_item(d, "role"));
  message.content = str_item(d, "content");
  message.name = str_item(d, "name");
  message.tool_call_id = str_item(d, "tool_call_id");
  if (d.contains("tool_calls") && !d["tool_calls"].is_none()) {
    for (py::handle item : d["tool_calls"]) {
      const py::dict call = py::reinterpret_borrow<py::dict>(item);
      message.tool_calls.push_back(
          {str_item(call, "id"), str_item(call, "name"),
           call.contains("arguments") ? to_json(call["arguments"]) : Json::object()});
    }
  }
  return message;
}

ModelRequest to_request(const py::list& messages, const py::object& tools) {
  ModelRequest request;
  request.messages.reserve(messages.size());
  for (py::handle m : messages) request.messages.push_back(to_message(m));
  if (!tools.is_none()) {
    for (py::handle t : tools) {
      const py::dict d = py::reinterpret_borrow<py::dict>(t);
      request.tools.push_back(
          {str_item(d, "name"), str_item(d, "description"),
           d.contains("parameters") ? to_json(d["parameters"]) : Json::object()});
    }
  }
  return request;
}

py::dict to_reply(const ModelResponse& response, std::chrono::nanoseconds wait) {
  py::list calls;
  for (const ToolCall& call : response.message.tool_calls) {
    py::dict c;
    c["id"] = call.id;
    c["name"] = call.name;
    c["arguments"] = from_json(call.arguments);
    calls.append(std::move(c));
  }
  py::dict reply;
  reply["content"] = response.message.content;
  reply["tool_calls"] = std::move(calls);
  reply["prompt_tokens"] = response.usage.prompt_tokens;
  reply["completion_tokens"] = response.usage.completion_tokens;
  reply["wait_s"] = std::chrono::duration<double>(wait).count();
  return reply;
}

// Non-owning handles: the adapter owns the C++ objects and outlives the Python objects that
// reference them (it drops its Python runner before its resources).
struct ModelHandle {
  SimulatedModel* model;

  py::dict complete(const py::list& messages, const py::object& tools) const {
    const ModelRequest request = to_request(messages, tools);
    // The latency is a sleep: let Python threads run meanwhile. Without latency the reply
    // takes less time than a GIL hand-over, which would then be pure bridge overhead.
    if (model->options().latency.kind() == LatencyModel::Kind::kNone) {
      return to_reply(model->complete(request), std::chrono::nanoseconds{0});
    }
    ModelResponse response;
    {
      py::gil_scoped_release release;
      response = model->complete(request);
    }
    return to_reply(response, std::chrono::nanoseconds{0});
  }

  py::dict complete_deferred(const py::list& messages, const py::object& tools) const {
    const SimulatedModel::Deferred out = model->complete_deferred(to_request(messages, tools));
    return to_reply(out.response, out.wait);
  }
};

struct ToolsHandle {
  const ToolRegistry* tools;
  std::vector<std::string> names;

  std::string call(const std::string& name, const py::dict& arguments) const {
    return tools->invoke({"", name, to_json(arguments)}).content;
  }

  py::list specs() const {
    py::list out;
    for (const ToolSpec& spec : tools->specs(names)) {
      py::dict d;
      d["name"] = spec.name;
      d["description"] = spec.description;
      d["parameters"] = from_json(spec.parameters);
      out.append(std::move(d));
    }
    return out;
  }
};

struct MemoryHandle {
  const DocumentStore* memory;

  py::list search(const std::string& query, std::size_t k) const {
    std::vector<SearchHit> hits;
    {
      py::gil_scoped_release release;  // 100k-document searches must not stall other threads
      hits = memory->search_bm25(query, k);
    }
    py::list out;
    for (const SearchHit& hit : hits) {
      out.append(py::make_tuple(std::string(hit.id), memory->document(hit.index).text));
    }
    return out;
  }
};

const HashedEmbedder& embedder() {
  static const HashedEmbedder instance;
  return instance;
}

}  // namespace

void link_bridge_module() {}

std::vector<ChatMessage> to_messages(py::handle list) {
  std::vector<ChatMessage> out;
  for (py::handle m : list) out.push_back(to_message(m));
  return out;
}

py::object wrap_model(SimulatedModel& model) {
  return py::cast(ModelHandle{&model});
}

py::object wrap_tools(const ToolRegistry& tools, const std::vector<std::string>& names) {
  return py::cast(ToolsHandle{&tools, names});
}

py::object wrap_memory(const DocumentStore* memory) {
  if (memory == nullptr) return py::none();
  return py::cast(MemoryHandle{memory});
}

}  // namespace legion::python

PYBIND11_EMBEDDED_MODULE(legion_bridge, m) {
  using namespace legion::python;
  using legion::HashedEmbedder;
  m.doc() = "LEGION Bench's runtime, seen from Python: the simulated model, tools, memory.";
  // ScriptError first: pybind11 tries translators in reverse order of registration.
  static py::exception<legion::Error> error(m, "Error", PyExc_RuntimeError);
  static py::exception<legion::ScriptError> script_error(m, "ScriptError", error.ptr());
  // By value: pybind11's translator is a void(*)(std::exception_ptr).
  // NOLINTNEXTLINE(performance-unnecessary-value-param)
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const legion::ScriptError& e) {
      script_error(e.what());
    } catch (const legion::Error& e) {
      error(e.what());
    }
  });

  py::class_<ModelHandle>(m, "Model")
      .def("complete", &ModelHandle::complete, py::arg("messages"), py::arg("tools") = py::none())
      .def("complete_deferred", &ModelHandle::complete_deferred, py::arg("messages"),
           py::arg("tools") = py::none())
      .def_property_readonly("calls",
                             [](const ModelHandle& h) { return h.model->counters().calls; });
  py::class_<ToolsHandle>(m, "Tools")
      .def("call", &ToolsHandle::call, py::arg("name"), py::arg("arguments"))
      .def("specs", &ToolsHandle::specs)
      .def_readonly("names", &ToolsHandle::names);
  py::class_<MemoryHandle>(m, "Memory")
      .def("search", &MemoryHandle::search, py::arg("query"), py::arg("k"))
      .def_property_readonly("size", [](const MemoryHandle& h) { return h.memory->size(); });

  m.attr("EMBEDDING_DIMENSIONS") = HashedEmbedder::kDefaultDimensions;
  m.def("embed", [](const std::string& text) { return embedder().embed(text); });
  m.def("embed_many", [](const std::vector<std::string>& texts) {
    std::vector<std::vector<float>> out;
    out.reserve(texts.size());
    py::gil_scoped_release release;
    for (const std::string& text : texts) out.push_back(embedder().embed(text));
    return out;
  });
  m.def("count_tokens", [](const std::string& text) { return legion::count_tokens(text); });
  // The cheapest call there is: the bridge benchmark's C++ -> Python -> C++ round trip.
  m.def("noop", [] {});
}
