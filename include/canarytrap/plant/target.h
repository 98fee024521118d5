// Plant targets: where canary rows go. One interface, one implementation per kind
// (SQLite now; CSV/TSV and JSON Lines files; PostgreSQL, MariaDB and SQL dumps to come).
//
// A target is opened for one table (a file is one table), describes itself (columns and a
// sample of existing rows, for mapping and profiling), takes rows, and makes them visible
// only on commit(): a database in one transaction, a file by renaming a staged copy over
// the original. Anything short of commit() leaves the target byte-identical.
//
//   auto target = open_target(*parse_target_uri("sqlite:///data/app.db"), "persons");
//   auto sample = (*target)->describe(1000);
//   auto keys = (*target)->insert(rows, rng);      // row keys, in `rows` order
//   CT_RETURN_IF_ERROR((*target)->commit());
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "canarytrap/core/status.h"
#include "canarytrap/fake/fast_rng.h"

namespace canarytrap {

enum class TargetKind { kSqlite, kPostgres, kMysql, kCsv, kJsonl, kSqlDump };

struct TargetUri {
  TargetKind kind = TargetKind::kSqlite;
  std::string path;      // database file or data file
  std::string redacted;  // the URI with any password removed: what placements record
};

// sqlite:///abs/path.db, sqlite:relative.db, file:path.csv|.tsv|.jsonl|.sql, a bare path whose
// extension says the format, postgresql://..., mysql://...
Result<TargetUri> parse_target_uri(std::string_view uri);

struct ColumnInfo {
  std::string name;
  std::string declared_type;        // as the schema says it, upper-cased; "" for files
  bool not_null = false;
  bool primary_key = false;
  bool database_assigned = false;   // INTEGER PRIMARY KEY / auto-increment: leave it out
  bool unique = false;
  bool has_default = false;
  bool integer = false;             // integer affinity: only digits fit
  bool json_number = false;         // JSON Lines: the values are numbers, not strings
  std::optional<std::size_t> max_length;  // VARCHAR(n), CHAR(n)
  std::optional<std::string> references;  // foreign key: table(column)
};

using Cell = std::optional<std::string>;  // nullopt = NULL
using TableRow = std::vector<Cell>;       // one cell per column, in column order

// A canary row a plant put into a target: the key it got, and the values that only it holds
// (its e-mail address, photo URL, ID, SSN or card number; no real row holds them).
struct PlantedRow {
  std::string key;
  std::vector<std::string> values;
};

// What remove() did: the rows it deleted, and for each planted row (in the order given)
// whether it was found and deleted. A planted row not found stays planted as far as the
// registry knows: its placement is not retired.
struct Removal {
  std::size_t rows_removed = 0;
  std::vector<bool> found;
};

struct TableSample {
  std::vector<ColumnInfo> columns;
  std::vector<TableRow> rows;  // up to the number asked for
  std::int64_t row_count = 0;  // all rows in the table
};

class Target {
 public:
  virtual ~Target() = default;

  virtual Result<TableSample> describe(std::size_t max_sample_rows) = 0;
  // Adds rows (cells of database-assigned columns are ignored) at positions the target
  // chooses (files: interleaved at random), returning each row's key (primary key, rowid
  // or record number). Visible only after commit().
  virtual Result<std::vector<std::string>> insert(const std::vector<TableRow>& rows, FastRng& rng) = 0;
  // Files: rows go where their dates in column `column` (written in `date_format`) sort
  // among the records, which are in that column's order (oldest or `newest_first`), rather
  // than at random. Databases add rows after their newest anyway, and ignore it.
  virtual void place_by_date(std::size_t column, std::string date_format, bool newest_first) {
    (void)column;
    (void)date_format;
    (void)newest_first;
  }
  // Which of `values` the table already holds in column `column` (an index into the
  // described columns): a canary must never repeat a real person's ID or phone number.
  virtual Result<std::vector<std::string>> existing(std::size_t column, const std::vector<std::string>& values) = 0;
  // The largest value of column `column`: by the database's own order (max(), an index
  // look-up for a key), in a file the value ending with the largest number; nullopt for an
  // empty column. Codes numbered in sequence continue past it, not past the sample's largest.
  virtual Result<std::optional<std::string>> largest(std::size_t column) = 0;
  // Removes planted rows: a row goes only if one of its cells equals one of the planted rows'
  // values, found at its key first and else by one pass over the table (keys move: VACUUM
  // renumbers rowids, an UPDATE moves a PostgreSQL ctid); a planted row without values goes
  // by its key only where that key is the table's primary key. Files go by values alone.
  // Visible only after commit().
  virtual Result<Removal> remove(const std::vector<PlantedRow>& rows) = 0;
  virtual Status commit() = 0;
  virtual void rollback() = 0;
};

Result<std::unique_ptr<Target>> open_target(const TargetUri& uri, const std::string& table);

}  // namespace canarytrap
