#pragma once
// The shared back-end: PostgreSQL through libpq, for several `legion worker` processes (on
// several hosts) against one database. Claims use FOR UPDATE SKIP LOCKED, idle workers sleep
// on LISTEN/NOTIFY, and every write is one idempotent statement so a connection lost while
// the outcome is in doubt is resolved by retrying (idempotency key / lease token).
#include <memory>

#include "legion/store/store_url.hpp"
#include "legion/store/task_store.hpp"

namespace legion::store {

// Parameters besides libpq's own: schema=NAME (tables live in that schema; created if
// missing), so tests and tenants can share one database; reconnect_deadline_ms=MS (how long
// to keep reconnecting before StoreUnavailableError; default StoreOptions', 30 s);
// io_timeout_ms=MS (a reply must come within it, else the connection is dropped and the
// statement retried with twice the wait, up to 8x; also sets libpq's connect_timeout unless
// given; default none).
std::unique_ptr<TaskStore> open_postgres_store(StoreUrl url, const StoreOptions& options);

}  // namespace legion::store
