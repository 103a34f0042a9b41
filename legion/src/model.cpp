#include "legion/model.hpp"

namespace legion {

Task<ModelResponse> Model::complete_async(const ModelRequest& request) {
  co_return complete(request);
}

}  // namespace legion
