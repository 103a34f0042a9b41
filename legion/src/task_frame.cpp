// Coroutine frames from per-thread free lists, one list per 64-byte size class. A frame freed on
// another thread than it was allocated on (a task that resumed on another worker) joins that
// thread's list; lists are bounded, so a thread that once ran a burst does not keep it forever.
#include <array>
#include <cstddef>
#include <new>

#include "legion/task.hpp"

namespace legion::detail {
namespace {

constexpr std::size_t kClassBytes = 64;
constexpr std::size_t kClasses = 16;  // frames up to 1 KiB are recycled; larger go to malloc
constexpr std::size_t kMaxCachedPerClass = 1024;

struct FreeFrame {
  FreeFrame* next;
};

struct FrameLists {
  struct List {
    FreeFrame* head = nullptr;
    std::size_t size = 0;
  };
  std::array<List, kClasses> lists{};
  ~FrameLists();
};

// Set once the thread's lists are gone: frames freed later (by other thread_local destructors)
// go straight to the allocator. Trivially destructible, so it outlives the lists.
thread_local bool t_lists_destroyed = false;
thread_local FrameLists t_lists;

FrameLists::~FrameLists() {
  t_lists_destroyed = true;
  for (List& list : lists) {
    while (list.head != nullptr) {
      FreeFrame* frame = list.head;
      list.head = frame->next;
      ::operator delete(static_cast<void*>(frame));
    }
    list.size = 0;
  }
}

std::size_t size_class(std::size_t size) {
  return (size + kClassBytes - 1) / kClassBytes - 1;
}

}  // namespace

void* allocate_frame(std::size_t size) {
  const std::size_t index = size_class(size);
  if (index >= kClasses) return ::operator new(size);
  if (!t_lists_destroyed) {
    FrameLists::List& list = t_lists.lists[index];
    if (list.head != nullptr) {
      FreeFrame* frame = list.head;
      list.head = frame->next;
      --list.size;
      frame->~FreeFrame();
      return frame;
    }
  }
  // Always the whole class: any thread may recycle the frame into its list for this class.
  return ::operator new((index + 1) * kClassBytes);
}

void free_frame(void* frame, std::size_t size) noexcept {
  const std::size_t index = size_class(size);
  if (index < kClasses && !t_lists_destroyed) {
    FrameLists::List& list = t_lists.lists[index];
    if (list.size < kMaxCachedPerClass) {
      list.head = ::new (frame) FreeFrame{list.head};
      ++list.size;
      return;
    }
  }
  ::operator delete(frame);
}

}  // namespace legion::detail
