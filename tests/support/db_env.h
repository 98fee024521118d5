// Connection details of the PostgreSQL and MariaDB servers that tests/support/db_servers.sh
// started for this test run (a ctest fixture), and small query helpers for assertions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace canarytrap::testing {

// The variables of the fixture's env file; fails the calling test if the servers are not
// running (never skips: a database test that did not run is a failure).
const std::map<std::string, std::string>& db_env();

using Rows = std::vector<std::vector<std::optional<std::string>>>;

// Runs SQL (several statements allowed) as the test user; throws std::runtime_error with the
// server's message on failure. Returns the rows of the last statement.
Rows pg_query(const std::string& sql);
Rows mysql_query(const std::string& sql);

}  // namespace canarytrap::testing
