// The target implementations, private to the plant module.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "canarytrap/plant/target.h"

namespace canarytrap::plant {
Result<std::unique_ptr<Target>> open_sqlite_target(const TargetUri& uri, const std::string& table);
Result<std::unique_ptr<Target>> open_csv_target(const TargetUri& uri, const std::string& table);
Result<std::unique_ptr<Target>> open_jsonl_target(const TargetUri& uri, const std::string& table);
Result<std::unique_ptr<Target>> open_postgres_target(const TargetUri& uri, const std::string& table);
Result<std::unique_ptr<Target>> open_mysql_target(const TargetUri& uri, const std::string& table);
Result<std::unique_ptr<Target>> open_sql_dump_target(const TargetUri& uri, const std::string& table);

// Shared by the database targets (sql_common.cpp).
std::string quote_ident(std::string_view name);        // "name" (SQLite, PostgreSQL)
std::string quote_ident_mysql(std::string_view name);  // `name`
std::string upper(std::string s);
std::optional<std::size_t> declared_length(const std::string& type);  // VARCHAR(20) -> 20
bool fits_int64(std::string_view s);                                   // digits that fit an int64
// The planted rows' values, each naming its planted row: remove() finds rows by them and
// says which planted rows it found.
class PlantedValues {
 public:
  explicit PlantedValues(const std::vector<PlantedRow>& rows);
  bool empty() const { return owner_.empty(); }
  // The index of the planted row that `v` is a value of, if any.
  std::optional<std::size_t> owner(std::string_view v) const {
    const auto it = owner_.find(v);
    return it == owner_.end() ? std::nullopt : std::optional<std::size_t>(it->second);
  }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view v) const { return std::hash<std::string_view>()(v); }
  };
  std::unordered_map<std::string, std::size_t, Hash, std::equal_to<>> owner_;
};

// Whether a planted row with values of its own was not found at its key: then remove()
// searches the whole table for them.
bool some_left_to_search(const std::vector<PlantedRow>& planted, const Removal& removal);

// Which of `n` rows a profile reads: all of them, or `max` spread evenly over the table (the
// first rows of a table are its oldest: a profile of them alone makes canaries look old).
std::vector<std::size_t> spread_positions(std::size_t n, std::size_t max);
// The fraction of `rows` rows that a random sample of about `max` keeps, as SQL's literal.
std::string sample_fraction(std::int64_t rows, std::size_t max);
// Of `asked`, the values a database returned as `stored` when asked for them: the same, or
// (a case-insensitive collation, CHAR padding) equal to one but for ASCII case and trailing
// spaces. existing() returns values the plant drew, not the table's spelling of them.
std::vector<std::string> asked_values_found(const std::vector<std::string>& asked, const std::vector<std::string>& stored);
// Of `cells`, the one whose last run of digits (at most 18) is the largest number; nullopt if
// none has digits. For files, which have no order of their own to ask.
std::optional<std::string> value_ending_with_largest_number(const std::vector<Cell>& cells);
}  // namespace canarytrap::plant
