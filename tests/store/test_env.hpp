#pragma once
// The store tests' names for the test support library's temporary directory and PostgreSQL
// URL (testing/support/).
#include "support/postgres_url.hpp"
#include "support/temp_dir.hpp"

namespace legion::store::testing {

using TempDir = legion_test::TempDir;
using legion_test::postgres_url_or_empty;

}  // namespace legion::store::testing
