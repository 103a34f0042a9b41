// An executor whose threads the system refuses (ulimit -u reached) must fail with an Error,
// its started threads joined: it used to hang in the constructor (destroying a condition
// variable its sleeping workers still waited on) or abort. The limit is set in a child process
// (as nobody when the test runs as root, which RLIMIT_NPROC does not bind).
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "legion/error.hpp"
#include "legion/executor.hpp"
#include "support/child_process.hpp"

namespace legion {
namespace {

TEST(ExecutorThreadLimit, RefusedThreadIsAnErrorNotAHang) {
  const auto child = legion_test::run_in_child(
      [] {
        if (!legion_test::limit_threads(32)) return std::string("cannot limit the threads");
        try {
          Executor executor(1000);
          return "started " + std::to_string(executor.num_workers()) + " workers";
        } catch (const Error& error) {
          return std::string(error.what());
        }
      },
      std::chrono::seconds(60));
  ASSERT_TRUE(child.finished) << "the executor's constructor hung when a thread was refused";
  ASSERT_EQ(child.signal, 0) << "the child died: " << child.text;
  EXPECT_EQ(child.text.rfind("executor: cannot start worker thread ", 0), 0u) << child.text;
  EXPECT_NE(child.text.find(" of 1000 ("), std::string::npos) << child.text;
}

}  // namespace
}  // namespace legion
