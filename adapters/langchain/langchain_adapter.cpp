#include "langchain_adapter.hpp"

#include "python_adapter.hpp"

namespace legion::adapters {

std::unique_ptr<Adapter> make_langchain_adapter() {
  return make_python_adapter({"langchain",
                              "legion_langchain",
                              LEGION_ADAPTERS_DIR "/langchain",
                              {"langchain_core", "langgraph", "langchain"}});
}

}  // namespace legion::adapters
