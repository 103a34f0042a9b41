#pragma once
// The injectors of stress/src/faults/, one file each; registry.cpp maps fault types to them.
#include <memory>

#include "stress/fault.hpp"

namespace stress::faults {

std::unique_ptr<FaultInjector> make_worker_signal();  // sigkill, sigstop
std::unique_ptr<FaultInjector> make_poison_tasks();   // throw, hang
std::unique_ptr<FaultInjector> make_toxiproxy();      // reset_peer, blackhole, down, limit_data
std::unique_ptr<FaultInjector> make_sqlite_io();      // sqlite_io_error
std::unique_ptr<FaultInjector> make_partition();      // partition
std::unique_ptr<FaultInjector> make_overload();       // overload
std::unique_ptr<FaultInjector> make_memory_limit();   // memory_leak
std::unique_ptr<FaultInjector> make_disk_fill();      // disk_full

}  // namespace stress::faults
