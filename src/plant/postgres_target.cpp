// PostgreSQL as a plant target (libpq): schema from information_schema, every change in
// one transaction, values sent as text parameters for the server to cast.
#include <libpq-fe.h>

#include <algorithm>
#include <memory>
#include <unordered_map>

#include "canarytrap/core/normalize.h"
#include "targets.h"

namespace canarytrap::plant {

namespace {

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

struct ConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using PgConn = std::unique_ptr<PGconn, ConnDeleter>;

std::string one_line(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  for (auto& c : s) {
    if (c == '\n') c = ' ';
  }
  return s;
}

class PostgresTarget final : public Target {
 public:
  PostgresTarget(PgConn conn, std::string schema, std::string table, std::string where)
      : conn_(std::move(conn)), schema_(std::move(schema)), table_(std::move(table)), where_(std::move(where)) {}
  ~PostgresTarget() override { rollback(); }

  Result<TableSample> describe(std::size_t max_rows) override {
    TableSample s;
    auto cols = query(
        "SELECT c.column_name, upper(c.data_type), c.is_nullable, c.column_default, c.character_maximum_length, "
        "c.is_identity, "
        "EXISTS (SELECT 1 FROM information_schema.table_constraints tc JOIN information_schema.key_column_usage k "
        "  ON k.constraint_name = tc.constraint_name AND k.table_schema = tc.table_schema "
        "  WHERE tc.table_schema = c.table_schema AND tc.table_name = c.table_name AND k.column_name = c.column_name "
        "  AND tc.constraint_type = 'PRIMARY KEY'), "
        "EXISTS (SELECT 1 FROM information_schema.table_constraints tc JOIN information_schema.key_column_usage k "
        "  ON k.constraint_name = tc.constraint_name AND k.table_schema = tc.table_schema "
        "  WHERE tc.table_schema = c.table_schema AND tc.table_name = c.table_name AND k.column_name = c.column_name "
        "  AND tc.constraint_type = 'UNIQUE' AND (SELECT count(*) FROM information_schema.key_column_usage k2 "
        "  WHERE k2.constraint_name = tc.constraint_name AND k2.table_schema = tc.table_schema) = 1), "
        "(SELECT ccu.table_name || '(' || ccu.column_name || ')' FROM information_schema.table_constraints tc "
        "  JOIN information_schema.key_column_usage k ON k.constraint_name = tc.constraint_name "
        "  AND k.table_schema = tc.table_schema JOIN information_schema.constraint_column_usage ccu "
        "  ON ccu.constraint_name = tc.constraint_name WHERE tc.table_schema = c.table_schema "
        "  AND tc.table_name = c.table_name AND k.column_name = c.column_name AND tc.constraint_type = 'FOREIGN KEY' "
        "  LIMIT 1), "
        "c.is_generated "
        "FROM information_schema.columns c WHERE c.table_schema = $1 AND c.table_name = $2 ORDER BY c.ordinal_position",
        {schema_, table_});
    if (!cols) return cols.status();
    PGresult* r = cols->get();
    for (int i = 0; i < PQntuples(r); ++i) {
      ColumnInfo c;
      c.name = PQgetvalue(r, i, 0);
      c.declared_type = PQgetvalue(r, i, 1);
      c.not_null = std::string_view(PQgetvalue(r, i, 2)) == "NO";
      c.has_default = !PQgetisnull(r, i, 3);
      const std::string dflt = c.has_default ? PQgetvalue(r, i, 3) : "";
      if (!PQgetisnull(r, i, 4)) c.max_length = static_cast<std::size_t>(std::stoul(PQgetvalue(r, i, 4)));
      c.primary_key = PQgetvalue(r, i, 6)[0] == 't';
      c.unique = PQgetvalue(r, i, 7)[0] == 't';  // a one-column UNIQUE constraint
      if (!PQgetisnull(r, i, 8)) c.references = PQgetvalue(r, i, 8);
      c.integer = c.declared_type == "INTEGER" || c.declared_type == "BIGINT" || c.declared_type == "SMALLINT";
      // An identity, a serial (nextval default) or a generated column: the server fills it.
      c.database_assigned = std::string_view(PQgetvalue(r, i, 5)) == "YES" || dflt.rfind("nextval(", 0) == 0 ||
                            std::string_view(PQgetvalue(r, i, 9)) == "ALWAYS";
      s.columns.push_back(std::move(c));
    }
    // A row is named by its primary key if that is one column, else by its ctid (which an
    // UPDATE or VACUUM FULL moves: remove() checks what it finds there).
    key_column_.clear();
    const auto key_columns = std::count_if(s.columns.begin(), s.columns.end(), [](const ColumnInfo& c) { return c.primary_key; });
    for (auto& c : s.columns) {
      if (c.primary_key && key_columns == 1) {
        c.unique = true;
        key_column_ = c.name;
      }
    }
    auto count = query("SELECT count(*) FROM " + qualified(), {});
    if (!count) return count.status();
    s.row_count = std::stoll(PQgetvalue(count->get(), 0, 0));
    // A bigger table is sampled all over (a Bernoulli sample, the same one for the same table
    // each time: random() seeded first), not by its first rows, which are its oldest.
    if (s.row_count > static_cast<std::int64_t>(max_rows)) {
      auto seeded = query("SELECT setseed(0.5)", {});
      if (!seeded) return seeded.status();
    }
    auto rows = s.row_count <= static_cast<std::int64_t>(max_rows)
                    ? query("SELECT * FROM " + qualified(), {})
                    : query("SELECT * FROM " + qualified() + " WHERE random() < " + sample_fraction(s.row_count, max_rows), {});
    if (!rows) return rows.status();
    for (int i = 0; i < PQntuples(rows->get()); ++i) {
      TableRow row;
      for (int c = 0; c < PQnfields(rows->get()); ++c) {
        row.push_back(PQgetisnull(rows->get(), i, c) ? Cell() : Cell(PQgetvalue(rows->get(), i, c)));
      }
      s.rows.push_back(std::move(row));
    }
    columns_ = s.columns;
    return s;
  }

  // Many rows a statement (a round trip each, not one a row: over a network that is most of
  // the time). RETURNING gives the keys in the order of the VALUES rows, as PostgreSQL does
  // for a multi-row INSERT ... VALUES.
  Result<std::vector<std::string>> insert(const std::vector<TableRow>& rows, FastRng&) override {
    CT_RETURN_IF_ERROR(begin());
    std::string names;
    std::vector<std::size_t> used;
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      if (columns_[i].database_assigned) continue;
      if (!used.empty()) names += ", ";
      names += quote_ident(columns_[i].name);
      used.push_back(i);
    }
    const std::string returning = key_column_.empty() ? "ctid::text" : quote_ident(key_column_) + "::text";
    // At most 1,000 rows and 65,535 parameters (the protocol's limit) a statement.
    const std::size_t per_statement = std::clamp<std::size_t>(65535 / std::max<std::size_t>(used.size(), 1), 1, 1000);
    std::vector<std::string> keys;
    keys.reserve(rows.size());
    for (std::size_t start = 0; start < rows.size(); start += per_statement) {
      const std::size_t n = std::min(per_statement, rows.size() - start);
      std::string tuples;
      std::vector<std::optional<std::string>> values;
      values.reserve(n * used.size());
      for (std::size_t r = start; r < start + n; ++r) {
        tuples += r == start ? "(" : ", (";
        for (std::size_t c = 0; c < used.size(); ++c) {
          values.push_back(rows[r][used[c]]);
          tuples += (c ? ", $" : "$") + std::to_string(values.size());
        }
        tuples += ")";
      }
      auto r = query("INSERT INTO " + qualified() + " (" + names + ") VALUES " + tuples + " RETURNING " + returning, values);
      if (!r) return r.status().WithContext("inserting canary rows");
      if (PQntuples(r->get()) != static_cast<int>(n)) return Status::Internal(where_ + ": INSERT returned too few keys");
      for (int i = 0; i < PQntuples(r->get()); ++i) keys.emplace_back(PQgetvalue(r->get(), i, 0));
    }
    return keys;
  }

  // Compared in the column's own type where it is text (CHAR, VARCHAR, TEXT) or an integer,
  // so that the column's index serves the look-up: cast to text, a CHAR(18) ID column was
  // read whole for every 500 values (a billion rows, a plant of 4,000: dozens of full scans).
  // Other types are compared as text.
  Result<std::vector<std::string>> existing(std::size_t column, const std::vector<std::string>& values) override {
    const ColumnInfo& info = columns_.at(column);
    const std::string& type = info.declared_type;
    const bool native = info.integer || type == "CHARACTER" || type == "CHARACTER VARYING" || type == "TEXT";
    std::vector<std::string> asked;
    for (const auto& v : values) {
      // An integer column holds only integers of its size, spelled without leading zeros.
      if (!info.integer || fits_integer_column(v, type)) asked.push_back(v);
    }
    const std::string col = quote_ident(info.name);
    std::vector<std::string> stored;
    for (std::size_t start = 0; start < asked.size(); start += 500) {
      const std::size_t n = std::min<std::size_t>(500, asked.size() - start);
      std::vector<std::optional<std::string>> params(asked.begin() + static_cast<long>(start),
                                                     asked.begin() + static_cast<long>(start + n));
      std::string list;
      for (std::size_t i = 0; i < n; ++i) list += (i ? ",$" : "$") + std::to_string(i + 1);
      auto r = query("SELECT DISTINCT " + col + "::text FROM " + qualified() + " WHERE " + col + (native ? "" : "::text") +
                         " IN (" + list + ")",
                     params);
      if (!r) return r.status();
      for (int i = 0; i < PQntuples(r->get()); ++i) stored.emplace_back(PQgetvalue(r->get(), i, 0));
    }
    return asked_values_found(asked, stored);
  }

  static bool fits_integer_column(const std::string& v, const std::string& type) {
    if (!fits_int64(v) || (v.size() > 1 && v[0] == '0')) return false;
    const std::int64_t n = std::stoll(v);
    return type == "BIGINT" || n <= (type == "INTEGER" ? 2147483647 : 32767);
  }

  Result<std::optional<std::string>> largest(std::size_t column) override {
    auto r = query("SELECT max(" + quote_ident(columns_.at(column).name) + ")::text FROM " + qualified(), {});
    if (!r) return r.status();
    if (PQntuples(r->get()) == 0 || PQgetisnull(r->get(), 0, 0)) return std::optional<std::string>();
    return std::optional<std::string>(PQgetvalue(r->get(), 0, 0));
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
    // The planted row whose value row i of `r` (from column `from` on) holds.
    const auto owner_of = [&](PGresult* r, int i, int from) -> std::optional<std::size_t> {
      for (int c = from; c < PQnfields(r); ++c) {
        if (PQgetisnull(r, i, c)) continue;
        if (auto owner = values.owner(std::string_view(PQgetvalue(r, i, c), PQgetlength(r, i, c)))) return owner;
      }
      return std::nullopt;
    };
    // The rows at the recorded keys, 500 at a time: the key compared as the column's own type,
    // so that its index is used, and read back as text, as the plant recorded it.
    const std::string key = key_column_.empty() ? "ctid" : quote_ident(key_column_);
    const std::string cast = key_column_.empty() ? "::tid" : "";
    std::unordered_map<std::string, std::size_t> planted_at;  // recorded key -> planted row
    std::vector<std::string> keys;
    for (std::size_t i = 0; i < planted.size(); ++i) {
      if (!planted[i].key.empty() && planted_at.emplace(planted[i].key, i).second) keys.push_back(planted[i].key);
    }
    for (std::size_t start = 0; start < keys.size(); start += 500) {
      const std::vector<std::optional<std::string>> asked(keys.begin() + static_cast<long>(start),
                                                          keys.begin() + static_cast<long>(std::min(start + 500, keys.size())));
      std::string list;
      for (std::size_t k = 0; k < asked.size(); ++k) list += (k ? ", $" : "$") + std::to_string(k + 1) + cast;
      auto at = query("SELECT " + key + "::text, * FROM " + qualified() + " WHERE " + key + " IN (" + list + ")", asked);
      if (!at) return at.status();
      std::vector<std::optional<std::string>> doomed;  // keys of rows holding a planted value
      for (int r = 0; r < PQntuples(at->get()); ++r) {
        const auto it = planted_at.find(PQgetvalue(at->get(), r, 0));
        if (it == planted_at.end()) continue;
        // This canary's row, or another's whose key moved here: whoever's value it holds. A
        // row without values goes by a primary key only (a ctid may now be a real row's).
        const std::size_t i = it->second;
        const auto owner = planted[i].values.empty() ? (key_column_.empty() ? std::nullopt : std::optional(i))
                                                     : owner_of(at->get(), r, 1);
        if (!owner) continue;
        removal.found[*owner] = true;
        doomed.emplace_back(it->first);
      }
      CT_RETURN_IF_ERROR(delete_rows(key, cast, doomed, removal));
    }
    if (!some_left_to_search(planted, removal)) return removal;
    // The rest by one pass over the table, through a cursor (a table need not fit in memory).
    auto open = query("DECLARE canarytrap_rows NO SCROLL CURSOR FOR SELECT ctid::text, * FROM " + qualified(), {});
    if (!open) return open.status();
    std::vector<std::string> found;
    for (;;) {
      auto batch = query("FETCH 10000 FROM canarytrap_rows", {});
      if (!batch) return batch.status();
      const int n = PQntuples(batch->get());
      for (int i = 0; i < n; ++i) {
        const auto owner = owner_of(batch->get(), i, 1);
        if (!owner) continue;
        removal.found[*owner] = true;
        found.emplace_back(PQgetvalue(batch->get(), i, 0));
      }
      if (n == 0) break;
    }
    auto close = query("CLOSE canarytrap_rows", {});
    if (!close) return close.status();
    for (std::size_t start = 0; start < found.size(); start += 500) {
      const std::vector<std::optional<std::string>> ctids(found.begin() + static_cast<long>(start),
                                                          found.begin() + static_cast<long>(std::min(start + 500, found.size())));
      CT_RETURN_IF_ERROR(delete_rows("ctid", "::tid", ctids, removal));
    }
    return removal;
  }

  // Deletes the rows whose `key` is one of `keys` (at most a few hundred), in one statement.
  Status delete_rows(const std::string& key, const std::string& cast, const std::vector<std::optional<std::string>>& keys,
                     Removal& removal) {
    if (keys.empty()) return Status::Ok();
    std::string list;
    for (std::size_t k = 0; k < keys.size(); ++k) list += (k ? ", $" : "$") + std::to_string(k + 1) + cast;
    auto r = query("DELETE FROM " + qualified() + " WHERE " + key + " IN (" + list + ")", keys);
    if (!r) return r.status();
    removal.rows_removed += static_cast<std::size_t>(std::stoul(PQcmdTuples(r->get())));
    return Status::Ok();
  }

  Status commit() override {
    if (!in_tx_) return Status::Ok();
    in_tx_ = false;
    auto r = query("COMMIT", {});
    return r ? Status::Ok() : r.status();
  }

  void rollback() override {
    if (in_tx_) (void)query("ROLLBACK", {});
    in_tx_ = false;
  }

  // Runs one statement with text parameters; errors carry the server's message on one line.
  Result<PgResult> query(const std::string& sql, const std::vector<std::optional<std::string>>& params) {
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    PgResult r(PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                            nullptr, 0));
    const auto status = PQresultStatus(r.get());
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      return Status::IoError(where_ + ": " + one_line(PQerrorMessage(conn_.get())));
    }
    return r;
  }

 private:
  Status begin() {
    if (in_tx_) return Status::Ok();
    auto r = query("BEGIN", {});
    if (!r) return r.status();
    in_tx_ = true;
    return Status::Ok();
  }
  std::string qualified() const { return quote_ident(schema_) + "." + quote_ident(table_); }

  PgConn conn_;
  std::string schema_, table_, where_;
  std::vector<ColumnInfo> columns_;
  std::string key_column_;
  bool in_tx_ = false;
};

}  // namespace

Result<std::unique_ptr<Target>> open_postgres_target(const TargetUri& uri, const std::string& table) {
  const std::string where = "target " + uri.redacted;
  if (table.empty()) return Status::InvalidArgument(where + ": --table is required for a database");
  const std::string params = uri.path + (uri.path.find('?') == std::string::npos ? "?" : "&") + "connect_timeout=10";
  PgConn conn(PQconnectdb(params.c_str()));
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    return Status::IoError(where + ": cannot connect: " + one_line(PQerrorMessage(conn.get())));
  }
  PQsetClientEncoding(conn.get(), "UTF8");
  std::string schema = "public", name = table;
  if (const auto dot = table.find('.'); dot != std::string::npos) {
    schema = table.substr(0, dot);
    name = table.substr(dot + 1);
  }
  auto t = std::make_unique<PostgresTarget>(std::move(conn), schema, name, where);
  auto exists = t->query("SELECT count(*) FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2",
                         {schema, name});
  if (!exists) return exists.status();
  if (std::string_view(PQgetvalue(exists->get(), 0, 0)) == "0") {
    auto all = t->query("SELECT string_agg(table_name, ', ' ORDER BY table_name) FROM information_schema.tables "
                        "WHERE table_schema = $1", {schema});
    std::string names = all && !PQgetisnull(all->get(), 0, 0) ? PQgetvalue(all->get(), 0, 0) : "";
    return Status::NotFound(where + ": no table '" + table + "'" + (names.empty() ? "" : " (tables: " + names + ")"));
  }
  return std::unique_ptr<Target>(std::move(t));
}

}  // namespace canarytrap::plant
