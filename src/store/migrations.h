// The registry's schema, as an ordered list of migrations.
//
// Migration N takes a registry from user_version N-1 to N. They only ever append: a
// released migration is never edited, a change is a new migration. migrate() applies the
// missing ones, each in its own IMMEDIATE transaction that re-reads the version first, so
// two processes opening an old registry at once do not both apply it.
#pragma once

#include <string_view>
#include <vector>

#include "canarytrap/core/status.h"
#include "sqlite.h"

namespace canarytrap::store {

// Marks an SQLite file as a canarytrap registry (PRAGMA application_id, "CTRP").
inline constexpr int kApplicationId = 0x43545250;

struct Migration {
  int version;
  std::string_view description;
  std::string_view sql;
  // Drops and re-creates a table that others reference (SQLite's way to change a constraint):
  // run with foreign keys off, checked with PRAGMA foreign_key_check before it commits.
  bool rebuilds_tables = false;
};

const std::vector<Migration>& migrations();
int latest_schema_version();

// Brings `db` to `target` (default: the latest). Refuses a newer registry and an SQLite
// file that is not a registry, changing nothing.
Status migrate(const sqlite::Db& db, int target = -1);

}  // namespace canarytrap::store
