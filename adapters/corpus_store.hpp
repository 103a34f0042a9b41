#pragma once
// The seeded retrieval corpus in a DocumentStore, built once per process per (documents, seed)
// and shared read-only by every prepared instance. Generating and indexing 100,000 documents is
// the same C++ work for every framework (~2 s); rebuilding it in each prepare() made the
// construction regime of the retrieval scenarios measure the corpus, not the framework.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "legion/memory.hpp"

namespace legion::adapters {

// Thread-safe. The most recent store stays alive between prepares (a construction loop
// prepares and tears down many times); a store no instance holds and that is not the most
// recent is freed.
std::shared_ptr<const DocumentStore> shared_corpus_store(std::size_t documents, std::uint64_t seed);

}  // namespace legion::adapters
