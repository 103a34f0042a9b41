#include "corpus_store.hpp"

#include <map>
#include <mutex>
#include <utility>

#include "legion/corpus.hpp"

namespace legion::adapters {

std::shared_ptr<const DocumentStore> shared_corpus_store(std::size_t documents,
                                                         std::uint64_t seed) {
  static std::mutex mutex;
  static std::map<std::pair<std::size_t, std::uint64_t>, std::weak_ptr<const DocumentStore>> built;
  static std::shared_ptr<const DocumentStore> most_recent;
  const std::lock_guard lock(mutex);
  const auto key = std::pair(documents, seed);
  std::shared_ptr<const DocumentStore> store = built[key].lock();
  if (!store) {
    most_recent.reset();  // at most one unused corpus in memory while the next is built
    auto fresh = std::make_shared<DocumentStore>();
    fresh->add_batch(generate_corpus(documents, seed));
    store = std::move(fresh);
    built[key] = store;
  }
  most_recent = store;
  return store;
}

}  // namespace legion::adapters
