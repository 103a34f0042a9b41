#include "adapter.hpp"

#include <malloc.h>

namespace legion::adapters {

std::uint64_t Adapter::heap_in_use_bytes() const {
  // Summed over every malloc arena: small chunks in use plus the mmap-ed large ones.
  const struct mallinfo2 info = mallinfo2();
  return static_cast<std::uint64_t>(info.uordblks + info.hblkhd);
}

}  // namespace legion::adapters
