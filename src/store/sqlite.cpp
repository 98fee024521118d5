#include "sqlite.h"

namespace canarytrap::sqlite {

Status error_of(sqlite3* db, std::string_view doing) {
  const int code = sqlite3_extended_errcode(db);
  std::string msg = std::string(doing) + ": " + sqlite3_errmsg(db);
  if ((code & 0xff) == SQLITE_NOTADB || (code & 0xff) == SQLITE_CORRUPT) return Status::Corruption(msg);
  if ((code & 0xff) == SQLITE_CONSTRAINT) return Status::AlreadyExists(msg);
  return Status::IoError(msg);
}

Status Db::exec(std::string_view sql) const {
  char* err = nullptr;
  const std::string s(sql);
  if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    sqlite3_free(err);
    return error("running SQL");
  }
  return Status::Ok();
}

Result<std::int64_t> Db::query_int(std::string_view sql) const {
  auto st = Stmt::prepare(*this, sql);
  if (!st) return st.status();
  auto row = st->step();
  if (!row) return row.status();
  if (!*row) return Status::Internal("no row from: " + std::string(sql));
  return st->int64(0);
}

Result<Stmt> Stmt::prepare(const Db& db, std::string_view sql) {
  Stmt s;
  s.db_ = db.get();
  if (sqlite3_prepare_v3(db.get(), sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &s.stmt_,
                         nullptr) != SQLITE_OK) {
    return db.error("preparing SQL");
  }
  return s;
}

int open(const char* path, sqlite3** db, int flags) {
  // Fails harmlessly (SQLITE_MISUSE) if SQLite was already initialized by other code.
  static const int configured = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)configured;
  return sqlite3_open_v2(path, db, flags, nullptr);
}

Stmt& Stmt::bind(int index, std::int64_t v) {
  sqlite3_bind_int64(stmt_, index, v);
  return *this;
}

Stmt& Stmt::bind(int index, std::string_view v) {
  sqlite3_bind_text(stmt_, index, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}

Stmt& Stmt::bind_ref(int index, std::string_view v) {
  sqlite3_bind_text(stmt_, index, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  return *this;
}

Stmt& Stmt::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Result<bool> Stmt::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  last_error_ = sqlite3_extended_errcode(db_);
  return error_of(db_, "SQL step");
}

Status Stmt::run() {
  auto r = step();
  reset();
  return r ? Status::Ok() : r.status();
}

void Stmt::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string Stmt::text(int col) const {
  const auto* p = sqlite3_column_text(stmt_, col);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
           : std::string();
}

}  // namespace canarytrap::sqlite
