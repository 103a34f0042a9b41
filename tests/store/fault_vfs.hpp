#pragma once
// The store's fault VFS (legion/store/sqlite_fault_vfs.hpp) under the name the store tests
// use: SQLITE_FULL after a countdown of writes, until disarmed.
#include "legion/store/sqlite_fault_vfs.hpp"

namespace legion::store::testing {
namespace fault_vfs = legion::store::fault_vfs;
}  // namespace legion::store::testing
