// SQLite as a plant target: one IMMEDIATE transaction around every change.
#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <string_view>
#include <unordered_set>

#include "canarytrap/core/normalize.h"
#include "store/sqlite.h"
#include "targets.h"

namespace canarytrap::plant {

namespace {

class SqliteTarget final : public Target {
 public:
  SqliteTarget(sqlite::Db db, std::string table, std::string where)
      : db_(std::move(db)), table_(std::move(table)), where_(std::move(where)) {}
  ~SqliteTarget() override { rollback(); }

  Result<TableSample> describe(std::size_t max_rows) override {
    TableSample s;
    // table_xinfo, not table_info: it lists generated columns too, which `SELECT *` returns
    // (the sample's cells must line up with the columns) and an INSERT must leave out.
    auto info = sqlite::Stmt::prepare(db_, "PRAGMA table_xinfo(" + quote_ident(table_) + ")");
    if (!info) return info.status();
    std::vector<std::pair<std::int64_t, std::string>> pk;  // (position in the key, column)
    for (;;) {
      auto row = info->step();
      if (!row) return row.status();
      if (!*row) break;
      const std::int64_t hidden = info->int64(6);  // 1: a virtual table's hidden column; 2, 3: generated
      if (hidden == 1) continue;
      ColumnInfo c;
      c.name = info->text(1);
      c.database_assigned = hidden >= 2;
      c.declared_type = upper(info->text(2));
      c.not_null = info->int64(3) != 0;
      c.has_default = !info->is_null(4);
      c.primary_key = info->int64(5) != 0;
      if (c.primary_key) pk.emplace_back(info->int64(5), c.name);
      c.integer = c.declared_type.find("INT") != std::string::npos;
      c.max_length = declared_length(c.declared_type);
      s.columns.push_back(std::move(c));
    }
    std::sort(pk.begin(), pk.end());
    primary_key_.clear();
    for (auto& [position, name] : pk) primary_key_.push_back(std::move(name));
    // A WITHOUT ROWID table has no rowid: its primary key is what names a row.
    without_rowid_ = !sqlite::Stmt::prepare(db_, "SELECT rowid FROM " + quote_ident(table_) + " LIMIT 0");
    key_column_.clear();
    for (auto& c : s.columns) {
      if (c.primary_key && pk.size() == 1) {
        c.unique = true;
        // A lone INTEGER PRIMARY KEY of a rowid table is the rowid: SQLite assigns it.
        c.database_assigned = c.declared_type == "INTEGER" && !without_rowid_;
        key_column_ = c.database_assigned ? "" : c.name;
      }
      // SQLite lets a primary key column other than the rowid hold NULL (a bug it keeps for
      // old databases' sake); no application means it to.
      c.not_null = c.not_null || c.primary_key;
    }
    CT_RETURN_IF_ERROR(read_unique_and_foreign_keys(s));
    auto count = db_.query_int("SELECT count(*) FROM " + quote_ident(table_));
    if (!count) return count.status();
    s.row_count = *count;
    CT_RETURN_IF_ERROR(read_sample(s, max_rows));
    columns_ = s.columns;
    return s;
  }

  // The rows a profile reads: all of a small table; of a bigger one, rows spread evenly over
  // it, not its first (its oldest) — in a rowid table an index look-up at each of evenly
  // spread rowids, else (or if big gaps between rowids leave too few) by one pass. The same
  // rows for the same table each time.
  Status read_sample(TableSample& s, std::size_t max_rows) {
    // How many sampled values of each column are of each storage class (SQLITE_INTEGER..NULL).
    std::vector<std::array<std::size_t, 6>> classes(s.columns.size(), std::array<std::size_t, 6>{});
    const auto read_row = [&](const sqlite::Stmt& st, int first) {
      TableRow r;
      for (std::size_t i = 0; i < s.columns.size(); ++i) {
        const int col = first + static_cast<int>(i);
        ++classes[i][static_cast<std::size_t>(sqlite3_column_type(st.get(), col))];
        r.push_back(st.is_null(col) ? Cell() : Cell(st.text(col)));
      }
      s.rows.push_back(std::move(r));
    };
    // Each column's commonest storage class but NULL (0: none seen), for insert().
    const auto learn_storage = [&] {
      storage_.assign(s.columns.size(), 0);
      for (std::size_t i = 0; i < s.columns.size(); ++i) {
        std::size_t most = 0;
        for (int c : {SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB}) {
          if (classes[i][static_cast<std::size_t>(c)] > most) most = classes[i][static_cast<std::size_t>(c)], storage_[i] = c;
        }
      }
    };
    const auto rows = static_cast<std::size_t>(s.row_count);
    if (!without_rowid_ && rows > max_rows) {
      auto lowest = db_.query_int("SELECT min(rowid) FROM " + quote_ident(table_));
      auto highest = db_.query_int("SELECT max(rowid) FROM " + quote_ident(table_));
      if (!lowest) return lowest.status();
      if (!highest) return highest.status();
      auto at = sqlite::Stmt::prepare(db_, "SELECT rowid, * FROM " + quote_ident(table_) +
                                                " WHERE rowid >= ?1 ORDER BY rowid LIMIT 1");
      if (!at) return at.status();
      std::optional<std::int64_t> last;
      const auto span = static_cast<__int128>(*highest) - *lowest;
      for (std::size_t i = 0; i < max_rows; ++i) {
        at->bind(1, static_cast<std::int64_t>(*lowest + span * static_cast<__int128>(i) / static_cast<__int128>(max_rows)));
        auto row = at->step();
        if (!row) return row.status();
        if (*row && at->int64(0) != last) {
          last = at->int64(0);
          read_row(*at, 1);
        }
        at->reset();
      }
      if (s.rows.size() >= max_rows / 2) {
        learn_storage();
        return Status::Ok();
      }
      s.rows.clear();
      classes.assign(s.columns.size(), std::array<std::size_t, 6>{});
    }
    auto all = sqlite::Stmt::prepare(db_, "SELECT * FROM " + quote_ident(table_));
    if (!all) return all.status();
    const std::vector<std::size_t> wanted = spread_positions(rows, max_rows);
    std::size_t next = 0;
    for (std::size_t index = 0; next < wanted.size(); ++index) {
      auto row = all->step();
      if (!row) return row.status();
      if (!*row) break;
      if (index != wanted[next]) continue;
      read_row(*all, 0);
      ++next;
    }
    learn_storage();
    return Status::Ok();
  }

  Result<std::vector<std::string>> insert(const std::vector<TableRow>& rows, FastRng&) override {
    if (columns_.empty()) return Status::Internal("describe() before insert()");
    CT_RETURN_IF_ERROR(begin());
    std::string names, params;
    std::vector<std::size_t> used;
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      if (columns_[i].database_assigned) continue;
      if (!used.empty()) names += ", ", params += ", ";
      names += quote_ident(columns_[i].name);
      params += "?" + std::to_string(used.size() + 1);
      used.push_back(i);
    }
    auto st = sqlite::Stmt::prepare(db_, "INSERT INTO " + quote_ident(table_) + " (" + names + ") VALUES (" + params + ")");
    if (!st) return st.status();
    std::vector<std::string> keys;
    keys.reserve(rows.size());
    for (const TableRow& row : rows) {
      for (std::size_t p = 0; p < used.size(); ++p) {
        const Cell& cell = row[used[p]];
        const int index = static_cast<int>(p + 1);
        if (!cell) {
          st->bind_null(index);
        } else {
          bind_like_neighbours(*st, index, used[p], *cell);
        }
      }
      if (Status s = st->run(); !s.ok()) return s.WithContext(where_ + ": inserting a canary row");
      if (!key_column_.empty()) {
        for (std::size_t i = 0; i < columns_.size(); ++i) {
          if (columns_[i].name == key_column_) keys.push_back(row[i].value_or(""));
        }
      } else if (!without_rowid_) {
        keys.push_back(std::to_string(sqlite3_last_insert_rowid(db_.get())));
      } else {
        keys.push_back(composite_key(row));  // to read; remove() finds such rows by their values
      }
    }
    return keys;
  }

  // Binds a cell as the storage class its column's sampled values have (INTEGER, REAL, TEXT
  // or BLOB), where the cell can be one: a column without a type, of type ANY or BLOB keeps
  // what it is given, and `typeof()` would tell a canary's '42' from its neighbours' 42 (a
  // STRICT table refuses text for a BLOB column outright). Else as the declared type says.
  void bind_like_neighbours(sqlite::Stmt& st, int index, std::size_t column, const std::string& v) {
    const int storage = column < storage_.size() ? storage_[column] : 0;
    if (storage == SQLITE_INTEGER || (storage == 0 && columns_[column].integer)) {
      // An integer as SQLite writes one (a minus, no leading zero), or any digits where the
      // declared type alone decides, as before.
      const std::string_view magnitude = std::string_view(v).substr(!v.empty() && v[0] == '-' ? 1 : 0);
      const bool canonical = fits_int64(magnitude) && (magnitude.size() == 1 || magnitude[0] != '0');
      if (canonical || (storage == 0 && fits_int64(v))) {
        st.bind(index, static_cast<std::int64_t>(std::stoll(v)));
        return;
      }
    } else if (storage == SQLITE_FLOAT) {
      char* end = nullptr;
      const double d = std::strtod(v.c_str(), &end);
      if (!v.empty() && end == v.c_str() + v.size()) {
        sqlite3_bind_double(st.get(), index, d);
        return;
      }
    } else if (storage == SQLITE_BLOB) {
      sqlite3_bind_blob(st.get(), index, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
      return;
    }
    st.bind(index, v);
  }

  Result<std::vector<std::string>> existing(std::size_t column, const std::vector<std::string>& values) override {
    // Inside the write transaction the rows are later inserted in: nobody can add a clashing
    // row in between, and the probes skip the per-statement file locking of autocommit.
    CT_RETURN_IF_ERROR(begin());
    const std::string col = quote_ident(columns_.at(column).name);
    auto probe = sqlite::Stmt::prepare(db_, "SELECT 1 FROM " + quote_ident(table_) + " WHERE " + col + " = ?1 LIMIT 1");
    if (!probe) return probe.status();
    auto indexed = uses_index("SELECT 1 FROM " + quote_ident(table_) + " WHERE " + col + " = ?1 LIMIT 1");
    if (!indexed) return indexed.status();
    std::vector<std::string> found;
    if (*indexed) {
      // One index probe per value, in key order so that consecutive descents share pages.
      std::vector<std::string_view> sorted(values.begin(), values.end());
      std::sort(sorted.begin(), sorted.end());
      for (std::string_view v : sorted) {
        probe->bind(1, v);
        auto row = probe->step();
        const bool hit = row && *row;
        probe->reset();
        if (!row) return row.status();
        if (hit) found.emplace_back(v);
      }
      return found;
    }
    // No index: one pass over the column per call, checked against the values in memory
    // (an IN list per chunk would scan the table once per chunk).
    std::unordered_set<std::string_view> wanted(values.begin(), values.end());
    std::unordered_set<std::string_view> seen;
    auto scan = sqlite::Stmt::prepare(db_, "SELECT CAST(" + col + " AS TEXT) FROM " + quote_ident(table_) + " WHERE " +
                                               col + " IS NOT NULL");
    if (!scan) return scan.status();
    for (;;) {
      auto row = scan->step();
      if (!row) return row.status();
      if (!*row) break;
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(scan->get(), 0));
      const std::string_view v(text ? text : "", static_cast<std::size_t>(sqlite3_column_bytes(scan->get(), 0)));
      auto it = wanted.find(v);
      if (it != wanted.end() && seen.insert(*it).second) found.emplace_back(*it);
    }
    return found;
  }

  Result<std::optional<std::string>> largest(std::size_t column) override {
    auto st = sqlite::Stmt::prepare(db_, "SELECT CAST(max(" + quote_ident(columns_.at(column).name) + ") AS TEXT) FROM " +
                                             quote_ident(table_));
    if (!st) return st.status();
    auto row = st->step();
    if (!row) return row.status();
    if (!*row || st->is_null(0)) return std::optional<std::string>();
    return std::optional<std::string>(st->text(0));
  }

  // Whether SQLite answers `sql` by searching an index rather than scanning the table.
  Result<bool> uses_index(const std::string& sql) {
    auto plan = sqlite::Stmt::prepare(db_, "EXPLAIN QUERY PLAN " + sql);
    if (!plan) return plan.status();
    bool search = false;
    for (;;) {
      auto row = plan->step();
      if (!row) return row.status();
      if (!*row) break;
      search = search || plan->text(3).rfind("SEARCH", 0) == 0;
    }
    return search;
  }

  Result<Removal> remove(const std::vector<PlantedRow>& planted) override {
    if (columns_.empty()) {
      auto d = describe(0);
      if (!d) return d.status();
    }
    CT_RETURN_IF_ERROR(begin());
    const PlantedValues values(planted);
    Removal removal;
    removal.found.assign(planted.size(), false);
    // The planted row whose value a row (in SELECT * order, from column `from` on) holds.
    const auto owner_of = [&](sqlite::Stmt& st, int from) -> std::optional<std::size_t> {
      for (int c = from; c < sqlite3_column_count(st.get()); ++c) {
        if (st.is_null(c)) continue;
        if (auto owner = values.owner(st.text(c))) return owner;
      }
      return std::nullopt;
    };
    // Looked up by key first: the key of a lone primary key column, or the rowid.
    const std::string key = !key_column_.empty() ? quote_ident(key_column_) : without_rowid_ ? "" : "rowid";
    // A key that VACUUM does not change: a primary key (the rowid of an INTEGER PRIMARY KEY).
    const bool stable_key = !key_column_.empty() || std::any_of(columns_.begin(), columns_.end(), [](const ColumnInfo& c) {
      return c.database_assigned;
    });
    if (!key.empty()) {
      auto at = sqlite::Stmt::prepare(db_, "SELECT * FROM " + quote_ident(table_) + " WHERE " + key + " = ?1");
      if (!at) return at.status();
      auto del = sqlite::Stmt::prepare(db_, "DELETE FROM " + quote_ident(table_) + " WHERE " + key + " = ?1");
      if (!del) return del.status();
      const auto bind_key = [&](sqlite::Stmt& st, const std::string& k) {
        if (key_column_.empty() && fits_int64(k)) {
          st.bind(1, static_cast<std::int64_t>(std::stoll(k)));
        } else {
          st.bind(1, k);
        }
      };
      for (std::size_t i = 0; i < planted.size(); ++i) {
        const PlantedRow& r = planted[i];
        if (r.key.empty()) continue;
        bind_key(*at, r.key);
        auto row = at->step();
        if (!row) return row.status();
        // The row there holds a planted value (this canary's, or another's whose key moved).
        std::optional<std::size_t> owner;
        if (*row) owner = r.values.empty() ? (stable_key ? std::optional(i) : std::nullopt) : owner_of(*at, 0);
        at->reset();
        if (!owner) continue;
        bind_key(*del, r.key);
        CT_RETURN_IF_ERROR(del->run());
        removal.rows_removed += static_cast<std::size_t>(sqlite3_changes(db_.get()));
        removal.found[*owner] = true;
      }
    }
    if (!some_left_to_search(planted, removal)) return removal;
    // The rest by one pass over the table: the rowid (or the primary key's columns), then
    // the row; deleted after the pass.
    std::vector<std::string> ids = primary_key_;
    if (!without_rowid_) ids = {"rowid"};
    std::string id_list, match;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      const std::string id = ids[i] == "rowid" ? "rowid" : quote_ident(ids[i]);
      id_list += id + ", ";
      match += (i ? " AND " : "") + id + " IS ?" + std::to_string(i + 1);
    }
    auto scan = sqlite::Stmt::prepare(db_, "SELECT " + id_list + "* FROM " + quote_ident(table_));
    if (!scan) return scan.status();
    std::vector<std::vector<sqlite3_value*>> found;
    const auto free_found = [&] {
      for (auto& f : found) {
        for (auto* v : f) sqlite3_value_free(v);
      }
    };
    for (;;) {
      auto row = scan->step();
      if (!row) {
        free_found();
        return row.status();
      }
      if (!*row) break;
      const auto owner = owner_of(*scan, static_cast<int>(ids.size()));
      if (!owner) continue;
      removal.found[*owner] = true;
      auto& f = found.emplace_back();
      for (std::size_t i = 0; i < ids.size(); ++i) f.push_back(sqlite3_value_dup(sqlite3_column_value(scan->get(), static_cast<int>(i))));
    }
    auto del = sqlite::Stmt::prepare(db_, "DELETE FROM " + quote_ident(table_) + " WHERE " + match);
    Status s = del ? Status::Ok() : del.status();
    for (const auto& f : found) {
      if (!s.ok()) break;
      for (std::size_t i = 0; i < f.size(); ++i) sqlite3_bind_value(del->get(), static_cast<int>(i + 1), f[i]);
      s = del->run();
      removal.rows_removed += static_cast<std::size_t>(sqlite3_changes(db_.get()));
    }
    free_found();
    CT_RETURN_IF_ERROR(s);
    return removal;
  }

  Status commit() override {
    if (!in_tx_) return Status::Ok();
    CT_RETURN_IF_ERROR(db_.exec("COMMIT").WithContext(where_));
    in_tx_ = false;
    return Status::Ok();
  }

  void rollback() override {
    if (in_tx_) (void)db_.exec("ROLLBACK");
    in_tx_ = false;
  }

 private:
  Status begin() {
    if (in_tx_) return Status::Ok();
    CT_RETURN_IF_ERROR(db_.exec("BEGIN IMMEDIATE").WithContext(where_));
    in_tx_ = true;
    return Status::Ok();
  }

  Status read_unique_and_foreign_keys(TableSample& s) {
    auto list = sqlite::Stmt::prepare(db_, "PRAGMA index_list(" + quote_ident(table_) + ")");
    if (!list) return list.status();
    std::vector<std::string> unique_indexes;
    for (;;) {
      auto row = list->step();
      if (!row) return row.status();
      if (!*row) break;
      if (list->int64(2) != 0) unique_indexes.push_back(list->text(1));
    }
    for (const auto& index : unique_indexes) {
      auto cols = sqlite::Stmt::prepare(db_, "PRAGMA index_info(" + quote_ident(index) + ")");
      if (!cols) return cols.status();
      std::vector<std::string> names;
      for (;;) {
        auto row = cols->step();
        if (!row) return row.status();
        if (!*row) break;
        names.push_back(cols->text(2));
      }
      if (names.size() != 1) continue;
      for (auto& c : s.columns) c.unique = c.unique || c.name == names[0];
    }
    auto fks = sqlite::Stmt::prepare(db_, "PRAGMA foreign_key_list(" + quote_ident(table_) + ")");
    if (!fks) return fks.status();
    for (;;) {
      auto row = fks->step();
      if (!row) return row.status();
      if (!*row) break;
      const std::string from = fks->text(3);
      for (auto& c : s.columns) {
        if (c.name == from) c.references = fks->text(2) + "(" + fks->text(4) + ")";
      }
    }
    return Status::Ok();
  }

  // "pid=P000017, region=3": a composite primary key, for people to read.
  std::string composite_key(const TableRow& row) const {
    std::string key;
    for (const auto& name : primary_key_) {
      for (std::size_t i = 0; i < columns_.size(); ++i) {
        if (columns_[i].name == name) key += (key.empty() ? "" : ", ") + name + "=" + row[i].value_or("NULL");
      }
    }
    return key;
  }

  sqlite::Db db_;
  std::string table_;
  std::string where_;
  std::vector<ColumnInfo> columns_;
  std::string key_column_;  // a lone primary key column that is not the rowid; empty: the rowid
  std::vector<std::string> primary_key_;  // its columns, in key order
  bool without_rowid_ = false;
  std::vector<int> storage_;  // per column: its sampled values' commonest storage class, 0 if none
  bool in_tx_ = false;
};

}  // namespace

Result<std::unique_ptr<Target>> open_sqlite_target(const TargetUri& uri, const std::string& table) {
  const std::string where = "target " + uri.redacted;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(uri.path, ec)) return Status::NotFound(where + ": no such database file");
  if (table.empty()) return Status::InvalidArgument(where + ": --table is required for a database");
  sqlite3* raw = nullptr;
  const int rc = sqlite::open(uri.path.c_str(), &raw, SQLITE_OPEN_READWRITE);
  sqlite::Db db(raw);
  if (rc != SQLITE_OK) return db.error(where);
  sqlite3_busy_timeout(db.get(), 5000);
  auto exists = sqlite::Stmt::prepare(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1");
  if (!exists) return exists.status().WithContext(where + " (not an SQLite database?)");
  exists->bind(1, table);
  auto row = exists->step();
  if (!row) return row.status().WithContext(where);
  if (exists->int64(0) == 0) {
    std::string names;
    auto all = sqlite::Stmt::prepare(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    for (;;) {
      if (!all) break;
      auto more = all->step();
      if (!more || !*more) break;
      names += (names.empty() ? "" : ", ") + all->text(0);
    }
    return Status::NotFound(where + ": no table '" + table + "'" + (names.empty() ? "" : " (tables: " + names + ")"));
  }
  // A plant is one transaction: a cache large enough to hold its pages keeps SQLite from
  // spilling them to disk again and again before the commit.
  (void)db.exec("PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536");
  return std::unique_ptr<Target>(new SqliteTarget(std::move(db), table, where));
}

}  // namespace canarytrap::plant
