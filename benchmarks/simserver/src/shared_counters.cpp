#include "simserver/shared_counters.hpp"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>

namespace legion::simserver {
namespace {

std::runtime_error system_error(const std::string& what) {
  return std::runtime_error(what + ": " + std::strerror(errno));
}

CounterBlock* map_block(int fd) {
  void* memory = ::mmap(nullptr, sizeof(CounterBlock), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (memory == MAP_FAILED) throw system_error("mmap of the counter block");
  return static_cast<CounterBlock*>(memory);
}

}  // namespace

CounterSnapshot CounterSnapshot::operator-(const CounterSnapshot& earlier) const {
  return {calls - earlier.calls,
          prompt_tokens - earlier.prompt_tokens,
          completion_tokens - earlier.completion_tokens,
          model_ns - earlier.model_ns,
          errors - earlier.errors,
          server_cpu_ns - earlier.server_cpu_ns};
}

CounterSnapshot snapshot(const CounterBlock& block) {
  constexpr auto order = std::memory_order_acquire;
  return {block.calls.load(order),
          block.prompt_tokens.load(order),
          block.completion_tokens.load(order),
          block.model_ns.load(order),
          block.errors.load(order),
          block.server_cpu_ns.load(order)};
}

SharedCounters::SharedCounters() {
  fd = ::memfd_create("legion-simserver-counters", 0);  // no MFD_CLOEXEC: the child inherits it
  if (fd < 0) throw system_error("memfd_create");
  if (::ftruncate(fd, sizeof(CounterBlock)) != 0) {
    ::close(fd);
    throw system_error("ftruncate of the counter block");
  }
  try {
    block = new (map_block(fd)) CounterBlock();
  } catch (...) {
    ::close(fd);
    throw;
  }
  block->magic.store(CounterBlock::kMagic, std::memory_order_release);
}

SharedCounters::~SharedCounters() {
  if (block != nullptr) ::munmap(block, sizeof(CounterBlock));
  if (fd >= 0) ::close(fd);
}

CounterBlock* map_counters(int fd) {
  struct stat info {};
  if (::fstat(fd, &info) != 0) throw system_error("--counters-fd " + std::to_string(fd));
  if (static_cast<std::size_t>(info.st_size) != sizeof(CounterBlock)) {
    throw std::runtime_error("--counters-fd " + std::to_string(fd) +
                             ": not a counter block (size " + std::to_string(info.st_size) + ")");
  }
  CounterBlock* block = map_block(fd);
  if (block->magic.load(std::memory_order_acquire) != CounterBlock::kMagic) {
    ::munmap(block, sizeof(CounterBlock));
    throw std::runtime_error("--counters-fd " + std::to_string(fd) + ": not a counter block");
  }
  return block;
}

}  // namespace legion::simserver
