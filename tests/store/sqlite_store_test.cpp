// What only the SQLite back-end has: URL parameters, the default path, a ledger that catches
// tampering, and the disk-full behaviour (through a fault-injecting VFS).
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <set>
#include <thread>
#include <vector>

#include "legion/store/task_store.hpp"
#include "store/backends.hpp"
#include "store/fault_vfs.hpp"

namespace legion::store::testing {
namespace {

using std::chrono::milliseconds;

std::string error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const std::exception& error) {
    return error.what();
  }
  return "";
}

// Runs SQL on an independent connection through the default VFS.
std::string sql_text(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  std::string out;
  char* error = nullptr;
  sqlite3_exec(
      db, sql.c_str(),
      [](void* sink, int n, char** values, char**) {
        auto& text = *static_cast<std::string*>(sink);
        for (int i = 0; i < n; ++i)
          text += (text.empty() ? "" : "|") + std::string(values[i] ? values[i] : "");
        return 0;
      },
      &out, &error);
  EXPECT_EQ(error, nullptr) << error;
  sqlite3_free(error);
  sqlite3_close(db);
  return out;
}

TEST(SqliteStore, RejectsUnknownSchemesAndParametersByName) {
  SqliteBackend backend;
  EXPECT_THROW(open_store("mysql://localhost/db"), ConfigError);
  EXPECT_NE(error_of([] { open_store("mysql://localhost/db"); }).find("'mysql'"),
            std::string::npos);
  EXPECT_NE(
      error_of([&] { open_store(backend.url() + "?synchronus=normal"); }).find("'synchronus'"),
      std::string::npos);
  EXPECT_NE(error_of([&] { open_store(backend.url() + "?synchronous=off"); }).find("'off'"),
            std::string::npos);
  EXPECT_NO_THROW(open_store(backend.url() + "?synchronous=normal&busy_timeout=100"));
}

// Several instances starting at once open the same new file; switching it to WAL needs an
// exclusive lock, and SQLite refuses that with SQLITE_BUSY without waiting in busy_timeout.
// CI once failed a scalability run on exactly this ("database is locked" in the WAL pragma).
TEST(SqliteStore, ConnectionsOpeningANewFileAtOnceAllSucceed) {
  SqliteBackend backend;
  for (int round = 0; round < 40; ++round) {
    const std::string url = "sqlite://" + backend.dir() + "/race_" + std::to_string(round) + ".db";
    std::vector<std::string> errors(4);
    std::vector<std::thread> openers;
    for (std::size_t i = 0; i < errors.size(); ++i) {
      openers.emplace_back([&, i] { errors[i] = error_of([&] { open_store(url); }); });
    }
    for (auto& opener : openers) opener.join();
    for (const auto& error : errors) ASSERT_EQ(error, "") << "round " << round;
  }
}

// `sqlite://` without a path once meant ./legion.db, silently: a store wherever the command
// happened to run. It is an error naming the fix, and nothing is created.
TEST(SqliteStore, UrlWithoutAPathIsAConfigError) {
  SqliteBackend backend;
  char previous[4096];
  ASSERT_NE(getcwd(previous, sizeof previous), nullptr);
  ASSERT_EQ(chdir(backend.dir().c_str()), 0);
  try {
    open_store("sqlite://");
    ADD_FAILURE() << "opened a store without a path";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("sqlite:// needs a file path"), std::string::npos)
        << error.what();
  }
  EXPECT_FALSE(std::filesystem::exists(backend.dir() + "/legion.db"));
  ASSERT_EQ(chdir(previous), 0);
}

TEST(SqliteStore, MaxLeaseExpiriesComesFromTheUrlAndIsChecked) {
  SqliteBackend backend;
  for (const char* bad : {"0", "x", "1001", "2.5"}) {
    EXPECT_NE(error_of([&] {
                open_store(backend.url() + "?max_lease_expiries=" + bad);
              }).find("max_lease_expiries must be an integer from 1 to 1000"),
              std::string::npos)
        << bad;
  }
  ManualClock clock;
  StoreOptions options;
  options.clock = clock.clock();
  auto store = open_store(backend.url() + "?max_lease_expiries=1", options);
  auto task = store->submit({"k", "{}", 0}).task;
  ASSERT_EQ(store->claim("w", 1, milliseconds(1000)).size(), 1u);
  clock.advance(1000);
  EXPECT_TRUE(store->claim("w", 1, milliseconds(1000)).empty()) << "dead at the first expiry";
  EXPECT_EQ(store->get(task.id)->state, TaskState::kDead);
}

// A store file made before lease expiries were counted apart (no `expiries` column) is
// upgraded when opened for writing, its tasks intact.
TEST(SqliteStore, AStoreWithoutTheExpiriesColumnGetsItOnOpen) {
  SqliteBackend backend;
  const std::string path = backend.dir() + "/store.db";
  sql_text(path,
           "CREATE TABLE tasks(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, payload TEXT NOT "
           "NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, max_attempts INTEGER "
           "NOT NULL, lease_owner TEXT NOT NULL DEFAULT '', lease_token INTEGER NOT NULL DEFAULT "
           "0, lease_expires_ms INTEGER NOT NULL DEFAULT 0, next_attempt_ms INTEGER NOT NULL "
           "DEFAULT 0, done_token INTEGER NOT NULL DEFAULT 0, result TEXT NOT NULL DEFAULT '', "
           "error TEXT NOT NULL DEFAULT '', created_ms INTEGER NOT NULL, updated_ms INTEGER NOT "
           "NULL); INSERT INTO tasks(key, payload, state, max_attempts, created_ms, updated_ms) "
           "VALUES ('old', '{}', 'queued', 5, 0, 0)");
  auto store = open_store(backend.url());
  auto old = store->find("old");
  ASSERT_TRUE(old);
  EXPECT_EQ(old->expiries, 0);
  auto leased = store->claim("w", 1, milliseconds(1000));
  ASSERT_EQ(leased.size(), 1u);
  EXPECT_EQ(store->complete(leased[0].id, leased[0].lease_token, "{}"), CompleteOutcome::kAccepted);
  expect_clean_ledger(store->verify(true), 1);
}

TEST(SqliteStore, LedgerCatchesLostDuplicatedAndUnexpectedEffects) {
  SqliteBackend backend;
  auto store = open_store(backend.url());
  store->submit_batch(make_specs("t", 3));
  auto leased = store->claim("w", 3, milliseconds(60'000));
  ASSERT_EQ(leased.size(), 3u);
  for (const auto& t : leased) store->complete(t.id, t.lease_token, "{}");
  ASSERT_TRUE(store->verify(true).ok());

  std::string path = backend.dir() + "/store.db";
  auto id = [&](int i) { return std::to_string(leased[i].id); };
  auto token = [&](int i) { return std::to_string(leased[i].lease_token); };
  sql_text(path, "INSERT INTO effects(task_id, lease_token, result) VALUES (" + id(0) + ", " +
                     token(0) + ", '{}')");  // duplicated
  sql_text(path, "INSERT INTO effects(task_id, lease_token, result) VALUES (424242, 1, '{}')");
  sql_text(path, "DELETE FROM effects WHERE task_id = " + id(1));  // lost
  Ledger ledger = store->verify(true);
  EXPECT_EQ(ledger.duplicated, 1);
  EXPECT_EQ(ledger.unexpected, 1);
  EXPECT_EQ(ledger.lost, 1);
  EXPECT_FALSE(ledger.ok());
}

TEST(SqliteStore, DiskFullIsAClearRetryableErrorThatLosesNothingAcknowledged) {
  fault_vfs::install();
  SqliteBackend backend;
  const std::string path = backend.dir() + "/store.db";
  auto store = open_store(backend.url() + "?vfs=" + fault_vfs::kName);

  std::set<std::string> acked_keys;
  std::set<std::int64_t> acked_done;
  for (const auto& s : store->submit_batch(make_specs("pre-", 200))) acked_keys.insert(s.task.key);
  auto leased = store->claim("w", 200, milliseconds(600'000));
  ASSERT_EQ(leased.size(), 200u);
  std::size_t next = 0;
  auto complete_next = [&] {
    const auto& t = leased.at(next);
    auto outcome = store->complete(t.id, t.lease_token, "{}");
    ASSERT_NE(outcome, CompleteOutcome::kRejected);
    acked_done.insert(t.id);
    ++next;
  };
  for (int i = 0; i < 20; ++i) complete_next();

  int round = 0;
  for (int writes_left : {0, 1, 3, 8}) {
    SCOPED_TRACE("writes before full: " + std::to_string(writes_left));
    fault_vfs::arm(writes_left);
    std::string error;
    for (int i = 0; i < 50 && error.empty(); ++i) {
      try {
        auto prefix = "during-" + std::to_string(round) + "-" + std::to_string(i) + "-";
        for (const auto& s : store->submit_batch(make_specs(prefix, 3))) {
          acked_keys.insert(s.task.key);
        }
        complete_next();
      } catch (const StoreFullError& full) {
        error = full.what();
        EXPECT_TRUE(full.retryable());
      }
    }
    ASSERT_FALSE(error.empty()) << "the full disk was never noticed";
    EXPECT_EQ(error.rfind("disk full: ", 0), 0u) << error;
    // Backpressure: while the disk stays full every write fails the same clear way ...
    EXPECT_THROW(store->submit({"blocked-" + std::to_string(round), "{}", 0}), StoreFullError);
    EXPECT_THROW(store->complete(leased.at(next).id, leased.at(next).lease_token, "{}"),
                 StoreFullError);
    // ... reads still work, and the file is intact.
    EXPECT_GE(store->stats().done, static_cast<std::int64_t>(acked_done.size()));
    EXPECT_EQ(sql_text(path, "PRAGMA integrity_check"), "ok");

    fault_vfs::disarm();  // space returns: the same store object makes progress again
    auto again = store->submit({"blocked-" + std::to_string(round), "{}", 0});
    acked_keys.insert(again.task.key);
    complete_next();
    ++round;
  }
  EXPECT_GT(fault_vfs::injected(), 0);

  store.reset();  // and after reopening, everything acknowledged is still there
  store = open_store(backend.url());
  for (const auto& key : acked_keys) EXPECT_TRUE(store->find(key)) << key;
  for (auto id : acked_done) EXPECT_EQ(store->get(id)->state, TaskState::kDone) << id;
  Ledger ledger = store->verify(false);
  EXPECT_TRUE(ledger.ok());
  EXPECT_EQ(ledger.accepted, static_cast<std::int64_t>(acked_keys.size()));
  EXPECT_EQ(sql_text(path, "PRAGMA integrity_check"), "ok");
}

}  // namespace
}  // namespace legion::store::testing
