// MySQL/MariaDB as a plant target (the MariaDB C client library): schema from
// information_schema, every change in one InnoDB transaction.
#include <mysql.h>

#include <algorithm>
#include <memory>
#include <string_view>
#include <unordered_map>

#include "canarytrap/core/normalize.h"
#include "targets.h"

namespace canarytrap::plant {

namespace {

struct Endpoint {
  std::string user, password, host = "127.0.0.1", database;
  unsigned port = 3306;
};

std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// mysql://user:password@host:port/database
Result<Endpoint> parse_mysql_uri(std::string_view uri, const std::string& where) {
  Endpoint e;
  std::string_view rest = uri.substr(uri.find("://") + 3);
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash + 1 >= rest.size()) {
    return Status::InvalidArgument(where + ": no database name (want mysql://user:password@host:port/database)");
  }
  std::string_view authority = rest.substr(0, slash);
  std::string_view db = rest.substr(slash + 1);
  db = db.substr(0, db.find('?'));
  e.database = percent_decode(db);
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    const auto colon = userinfo.find(':');
    e.user = percent_decode(userinfo.substr(0, colon));
    if (colon != std::string_view::npos) e.password = percent_decode(userinfo.substr(colon + 1));
  }
  if (const auto colon = authority.rfind(':'); colon != std::string_view::npos && authority.find(']') < colon) {
    e.port = static_cast<unsigned>(std::stoul(std::string(authority.substr(colon + 1))));
    authority = authority.substr(0, colon);
  } else if (colon != std::string_view::npos && authority.front() != '[') {
    const std::string port(authority.substr(colon + 1));
    if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos) {
      return Status::InvalidArgument(where + ": bad port '" + port + "'");
    }
    e.port = static_cast<unsigned>(std::stoul(port));
    authority = authority.substr(0, colon);
  }
  if (!authority.empty()) e.host = std::string(authority);
  return e;
}

struct MysqlDeleter {
  void operator()(MYSQL* m) const { mysql_close(m); }
};
struct ResultDeleter {
  void operator()(MYSQL_RES* r) const { mysql_free_result(r); }
};
using MysqlResult = std::unique_ptr<MYSQL_RES, ResultDeleter>;

class MysqlTarget final : public Target {
 public:
  MysqlTarget(std::unique_ptr<MYSQL, MysqlDeleter> conn, std::string table, std::string where)
      : conn_(std::move(conn)), table_(std::move(table)), where_(std::move(where)) {}
  ~MysqlTarget() override { rollback(); }

  Result<TableSample> describe(std::size_t max_rows) override {
    TableSample s;
    auto cols = query(
        "SELECT c.COLUMN_NAME, upper(c.COLUMN_TYPE), c.IS_NULLABLE, c.COLUMN_DEFAULT IS NOT NULL, "
        "c.CHARACTER_MAXIMUM_LENGTH, c.COLUMN_KEY, c.EXTRA, upper(c.DATA_TYPE), "
        "(SELECT concat(k.REFERENCED_TABLE_NAME, '(', k.REFERENCED_COLUMN_NAME, ')') FROM "
        " information_schema.KEY_COLUMN_USAGE k WHERE k.TABLE_SCHEMA = c.TABLE_SCHEMA AND k.TABLE_NAME = c.TABLE_NAME "
        " AND k.COLUMN_NAME = c.COLUMN_NAME AND k.REFERENCED_TABLE_NAME IS NOT NULL LIMIT 1) "
        "FROM information_schema.COLUMNS c WHERE c.TABLE_SCHEMA = DATABASE() AND c.TABLE_NAME = " +
        literal(table_) + " ORDER BY c.ORDINAL_POSITION");
    if (!cols) return cols.status();
    while (MYSQL_ROW row = mysql_fetch_row(cols->get())) {
      ColumnInfo c;
      c.name = row[0];
      c.declared_type = row[1];
      c.not_null = std::string_view(row[2]) == "NO";
      c.has_default = std::string_view(row[3]) == "1";
      if (row[4]) c.max_length = static_cast<std::size_t>(std::stoull(row[4]));
      const std::string_view key = row[5];
      c.primary_key = key == "PRI";
      c.unique = key == "PRI" || key == "UNI";  // UNI: a one-column UNIQUE index; PRI: see below
      // AUTO_INCREMENT or a generated column ("VIRTUAL GENERATED", "STORED GENERATED";
      // MySQL's "DEFAULT_GENERATED" is only an expression default): the server fills it.
      const std::string extra = upper(row[6] ? row[6] : "");
      c.database_assigned = extra.find("AUTO_INCREMENT") != std::string::npos ||
                            extra.find("VIRTUAL") != std::string::npos || extra.find("STORED") != std::string::npos ||
                            extra.find("PERSISTENT") != std::string::npos;
      const std::string_view data_type = row[7];
      c.integer = data_type.find("INT") != std::string_view::npos;
      if (row[8]) c.references = row[8];
      s.columns.push_back(std::move(c));
    }
    // Every column of a composite primary key says PRI; none of them is unique alone.
    primary_key_.clear();
    key_column_.clear();
    for (const auto& c : s.columns) {
      if (c.primary_key) primary_key_.push_back(c.name);
    }
    for (auto& c : s.columns) {
      if (!c.primary_key) continue;
      if (primary_key_.size() == 1) {
        key_column_ = c.name;
      } else {
        c.unique = false;
      }
    }
    auto count = query("SELECT count(*) FROM " + quote_ident_mysql(table_));
    if (!count) return count.status();
    s.row_count = std::stoll(mysql_fetch_row(count->get())[0]);
    // A bigger table is sampled all over (a Bernoulli sample, the same one for the same table
    // each time: RAND() with a seed), not by its first rows, which are its oldest.
    auto rows = s.row_count <= static_cast<std::int64_t>(max_rows)
                    ? query("SELECT * FROM " + quote_ident_mysql(table_))
                    : query("SELECT * FROM " + quote_ident_mysql(table_) + " WHERE RAND(42) < " +
                            sample_fraction(s.row_count, max_rows));
    if (!rows) return rows.status();
    const unsigned fields = mysql_num_fields(rows->get());
    while (MYSQL_ROW row = mysql_fetch_row(rows->get())) {
      const unsigned long* lengths = mysql_fetch_lengths(rows->get());
      TableRow r;
      for (unsigned i = 0; i < fields; ++i) r.push_back(row[i] ? Cell(std::string(row[i], lengths[i])) : Cell());
      s.rows.push_back(std::move(r));
    }
    columns_ = s.columns;
    return s;
  }

  Result<std::vector<std::string>> insert(const std::vector<TableRow>& rows, FastRng&) override {
    CT_RETURN_IF_ERROR(begin());
    std::string names;
    std::vector<std::size_t> used;
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      if (columns_[i].database_assigned) continue;
      if (!used.empty()) names += ", ";
      names += quote_ident_mysql(columns_[i].name);
      used.push_back(i);
    }
    // Many rows a statement (a round trip each, not one a row) where the keys the server
    // assigns are known: a multi-row INSERT gets consecutive AUTO_INCREMENT values, a step of
    // auto_increment_increment apart, unless innodb_autoinc_lock_mode is 2 (interleaved).
    std::uint64_t step = 1;
    bool batched = true;
    if (std::any_of(columns_.begin(), columns_.end(), [](const ColumnInfo& c) { return c.database_assigned; })) {
      auto modes = query("SELECT @@innodb_autoinc_lock_mode, @@auto_increment_increment");
      if (!modes) return modes.status();
      MYSQL_ROW m = mysql_fetch_row(modes->get());
      batched = m != nullptr && m[0] != nullptr && std::string_view(m[0]) != "2";
      if (m != nullptr && m[1] != nullptr) step = std::stoull(m[1]);
    }
    std::vector<std::string> keys;
    keys.reserve(rows.size());
    for (std::size_t start = 0; start < rows.size();) {
      // Up to 1,000 rows or 1 MB of SQL (max_allowed_packet is 16 MB by default).
      std::string tuples;
      std::size_t end = start;
      while (end < rows.size() && (end == start || (batched && end - start < 1000 && tuples.size() < (1u << 20)))) {
        std::string values;
        for (std::size_t i : used) values += (values.empty() ? "" : ", ") + (rows[end][i] ? literal(*rows[end][i]) : "NULL");
        tuples += (end == start ? "(" : ", (") + values + ")";
        ++end;
      }
      auto r = exec("INSERT INTO " + quote_ident_mysql(table_) + " (" + names + ") VALUES " + tuples);
      if (!r.ok()) return r.WithContext("inserting canary rows");
      const std::uint64_t first_id = mysql_insert_id(conn_.get());
      for (std::size_t k = start; k < end; ++k) {
        // The key: a lone primary key's value; a composite one's columns, for people to read
        // ("pid=P000017, region=3"; remove() finds such rows by their values).
        std::string key;
        for (std::size_t i = 0; i < columns_.size(); ++i) {
          if (!columns_[i].primary_key) continue;
          const std::string v =
              columns_[i].database_assigned ? std::to_string(first_id + (k - start) * step) : rows[k][i].value_or("NULL");
          key += primary_key_.size() == 1 ? v : (key.empty() ? "" : ", ") + columns_[i].name + "=" + v;
        }
        keys.push_back(std::move(key));
      }
      start = end;
    }
    return keys;
  }

  Result<std::vector<std::string>> existing(std::size_t column, const std::vector<std::string>& values) override {
    std::vector<std::string> found;  // as stored (a case-insensitive collation finds x for X)
    const std::string col = quote_ident_mysql(columns_.at(column).name);
    for (std::size_t start = 0; start < values.size(); start += 500) {
      std::string list;
      for (std::size_t i = start; i < values.size() && i < start + 500; ++i) list += (list.empty() ? "" : ",") + literal(values[i]);
      auto r = query("SELECT DISTINCT CAST(" + col + " AS CHAR) FROM " + quote_ident_mysql(table_) + " WHERE " + col +
                     " IN (" + list + ")");
      if (!r) return r.status();
      while (MYSQL_ROW row = mysql_fetch_row(r->get())) {
        if (row[0]) found.emplace_back(row[0]);
      }
    }
    return asked_values_found(values, found);
  }

  Result<std::optional<std::string>> largest(std::size_t column) override {
    auto r = query("SELECT CAST(max(" + quote_ident_mysql(columns_.at(column).name) + ") AS CHAR) FROM " +
                   quote_ident_mysql(table_));
    if (!r) return r.status();
    MYSQL_ROW row = mysql_fetch_row(r->get());
    if (row == nullptr || row[0] == nullptr) return std::optional<std::string>();
    return std::optional<std::string>(row[0]);
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
    // The planted row whose value a fetched row (from column `from` on) holds.
    const auto owner_of = [&](MYSQL_ROW row, const unsigned long* lengths, unsigned fields,
                              unsigned from) -> std::optional<std::size_t> {
      for (unsigned c = from; c < fields; ++c) {
        if (!row[c]) continue;
        if (auto owner = values.owner(std::string_view(row[c], lengths[c]))) return owner;
      }
      return std::nullopt;
    };
    const std::string table = quote_ident_mysql(table_);
    // The rows at the recorded keys of a lone primary key, 500 at a time, the key read back as
    // the plant recorded it.
    std::unordered_map<std::string, std::size_t> planted_at;  // recorded key -> planted row
    std::vector<std::string> keys;
    for (std::size_t i = 0; i < planted.size() && !key_column_.empty(); ++i) {
      if (!planted[i].key.empty() && planted_at.emplace(planted[i].key, i).second) keys.push_back(planted[i].key);
    }
    const std::string key = key_column_.empty() ? "" : quote_ident_mysql(key_column_);
    for (std::size_t start = 0; start < keys.size(); start += 500) {
      std::string list;
      for (std::size_t k = start; k < keys.size() && k < start + 500; ++k) list += (k == start ? "" : ", ") + literal(keys[k]);
      auto at = query("SELECT CAST(" + key + " AS CHAR), t.* FROM " + table + " t WHERE " + key + " IN (" + list + ")");
      if (!at) return at.status();
      std::string doomed;  // keys of rows holding a planted value
      const unsigned fields = mysql_num_fields(at->get());
      while (MYSQL_ROW row = mysql_fetch_row(at->get())) {
        const unsigned long* lengths = mysql_fetch_lengths(at->get());
        if (row[0] == nullptr) continue;
        const auto it = planted_at.find(std::string(row[0], lengths[0]));
        if (it == planted_at.end()) continue;
        // This canary's row, or another's whose key moved here: whoever's value it holds.
        const std::size_t i = it->second;
        const auto owner = planted[i].values.empty() ? std::optional(i) : owner_of(row, lengths, fields, 1);
        if (!owner) continue;
        removal.found[*owner] = true;
        doomed += (doomed.empty() ? "" : ", ") + literal(it->first);
      }
      if (doomed.empty()) continue;
      CT_RETURN_IF_ERROR(exec("DELETE FROM " + table + " WHERE " + key + " IN (" + doomed + ")"));
      removal.rows_removed += static_cast<std::size_t>(mysql_affected_rows(conn_.get()));
    }
    if (!some_left_to_search(planted, removal)) return removal;
    // The rest by one pass over the table, streamed; deleted by their primary key after it.
    std::string ids;
    for (const auto& k : primary_key_) ids += quote_ident_mysql(k) + ", ";
    const std::string sql = "SELECT " + ids + "t.* FROM " + table + " t";
    if (mysql_real_query(conn_.get(), sql.data(), sql.size()) != 0) return Status::IoError(where_ + ": " + mysql_error(conn_.get()));
    MysqlResult rows(mysql_use_result(conn_.get()));
    if (!rows) return Status::IoError(where_ + ": " + mysql_error(conn_.get()));
    const auto key_count = static_cast<unsigned>(primary_key_.size());
    std::vector<std::string> matches;  // "`a` = 'x' AND `b` = 'y'"
    while (MYSQL_ROW row = mysql_fetch_row(rows.get())) {
      const unsigned long* lengths = mysql_fetch_lengths(rows.get());
      const unsigned fields = mysql_num_fields(rows.get());
      const auto owner = owner_of(row, lengths, fields, key_count);
      if (!owner) continue;
      removal.found[*owner] = true;
      std::string m;
      for (unsigned k = 0; k < key_count; ++k) {
        m += (k ? " AND " : "") + quote_ident_mysql(primary_key_[k]) + " = " + literal(std::string_view(row[k], lengths[k]));
      }
      // No primary key: the row is named by the cell holding the value, which no other row
      // holds (LIMIT 1 all the same).
      for (unsigned c = 0; m.empty() && c < fields && c < columns_.size(); ++c) {
        if (row[c] && values.owner(std::string_view(row[c], lengths[c]))) {
          m = quote_ident_mysql(columns_[c].name) + " = " + literal(std::string_view(row[c], lengths[c])) + " LIMIT 1";
        }
      }
      matches.push_back(std::move(m));
    }
    if (mysql_errno(conn_.get()) != 0) return Status::IoError(where_ + ": " + mysql_error(conn_.get()));
    rows.reset();
    for (const auto& m : matches) {
      CT_RETURN_IF_ERROR(exec("DELETE FROM " + table + " WHERE " + m));
      removal.rows_removed += static_cast<std::size_t>(mysql_affected_rows(conn_.get()));
    }
    return removal;
  }

  Status commit() override {
    if (!in_tx_) return Status::Ok();
    in_tx_ = false;
    return exec("COMMIT");
  }

  void rollback() override {
    if (in_tx_) (void)exec("ROLLBACK");
    in_tx_ = false;
  }

  Status exec(const std::string& sql) {
    if (mysql_real_query(conn_.get(), sql.data(), sql.size()) != 0) {
      return Status::IoError(where_ + ": " + mysql_error(conn_.get()));
    }
    MysqlResult discard(mysql_store_result(conn_.get()));
    return Status::Ok();
  }

  Result<MysqlResult> query(const std::string& sql) {
    if (mysql_real_query(conn_.get(), sql.data(), sql.size()) != 0) {
      return Status::IoError(where_ + ": " + mysql_error(conn_.get()));
    }
    MysqlResult r(mysql_store_result(conn_.get()));
    if (!r) return Status::IoError(where_ + ": " + mysql_error(conn_.get()));
    return r;
  }

  std::string literal(std::string_view v) {
    std::string out(v.size() * 2 + 1, '\0');
    const auto n = mysql_real_escape_string(conn_.get(), out.data(), v.data(), static_cast<unsigned long>(v.size()));
    out.resize(n);
    return "'" + out + "'";
  }

 private:
  Status begin() {
    if (in_tx_) return Status::Ok();
    CT_RETURN_IF_ERROR(exec("START TRANSACTION"));
    in_tx_ = true;
    return Status::Ok();
  }

  std::unique_ptr<MYSQL, MysqlDeleter> conn_;
  std::string table_, where_;
  std::vector<ColumnInfo> columns_;
  std::string key_column_;                // a lone primary key column
  std::vector<std::string> primary_key_;  // every primary key column
  bool in_tx_ = false;
};

}  // namespace

Result<std::unique_ptr<Target>> open_mysql_target(const TargetUri& uri, const std::string& table) {
  const std::string where = "target " + uri.redacted;
  if (table.empty()) return Status::InvalidArgument(where + ": --table is required for a database");
  auto e = parse_mysql_uri(uri.path, where);
  if (!e) return e.status();
  std::unique_ptr<MYSQL, MysqlDeleter> conn(mysql_init(nullptr));
  unsigned timeout = 10;
  mysql_options(conn.get(), MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  mysql_options(conn.get(), MYSQL_SET_CHARSET_NAME, "utf8mb4");
  if (!mysql_real_connect(conn.get(), e->host.c_str(), e->user.c_str(), e->password.c_str(), e->database.c_str(),
                          e->port, nullptr, 0)) {
    return Status::IoError(where + ": cannot connect: " + mysql_error(conn.get()));
  }
  auto t = std::make_unique<MysqlTarget>(std::move(conn), table, where);
  auto exists = t->query("SELECT count(*), (SELECT group_concat(TABLE_NAME ORDER BY TABLE_NAME SEPARATOR ', ') FROM "
                         "information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()) FROM information_schema.TABLES "
                         "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = " + t->literal(table));
  if (!exists) return exists.status();
  MYSQL_ROW row = mysql_fetch_row(exists->get());
  if (std::string_view(row[0]) == "0") {
    const std::string names = row[1] ? row[1] : "";
    return Status::NotFound(where + ": no table '" + table + "'" + (names.empty() ? "" : " (tables: " + names + ")"));
  }
  return std::unique_ptr<Target>(std::move(t));
}

}  // namespace canarytrap::plant
