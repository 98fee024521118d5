// Thin RAII wrappers over the SQLite C API, private to the store module.
//
// Db owns a connection; Stmt owns a prepared statement, is bound by 1-based index and is
// reset (bindings cleared) before reuse. Every SQLite error becomes a Status whose message
// names what we were doing and what SQLite said.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "canarytrap/core/status.h"

namespace canarytrap::sqlite {

// The connection's last error as a Status: "<doing>: <SQLite's message>".
Status error_of(sqlite3* db, std::string_view doing);

// sqlite3_open_v2, after configuring SQLite once for this process: no memory statistics,
// which SQLite otherwise keeps under one process-wide mutex taken on every allocation, so
// that connections working on two threads (a plant's writer and its checker) do not queue
// on it.
int open(const char* path, sqlite3** db, int flags);

class Db {
 public:
  Db() = default;
  explicit Db(sqlite3* db) : db_(db) {}
  ~Db() { sqlite3_close_v2(db_); }
  Db(Db&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  Db& operator=(Db&& o) noexcept {
    std::swap(db_, o.db_);
    return *this;
  }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  sqlite3* get() const { return db_; }

  // Runs one or more statements that return no rows.
  Status exec(std::string_view sql) const;
  // Runs a statement returning one integer (a PRAGMA read).
  Result<std::int64_t> query_int(std::string_view sql) const;

  Status error(std::string_view doing) const { return error_of(db_, doing); }

 private:
  sqlite3* db_ = nullptr;
};

class Stmt {
 public:
  Stmt() = default;
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(Stmt&& o) noexcept : stmt_(o.stmt_), db_(o.db_) { o.stmt_ = nullptr; }
  Stmt& operator=(Stmt&& o) noexcept {
    std::swap(stmt_, o.stmt_);
    std::swap(db_, o.db_);
    return *this;
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  static Result<Stmt> prepare(const Db& db, std::string_view sql);

  Stmt& bind(int index, std::int64_t v);
  Stmt& bind(int index, std::string_view v);
  // Binds text without copying it: `v` must stay alive and unchanged until run() or reset().
  Stmt& bind_ref(int index, std::string_view v);
  Stmt& bind_null(int index);
  Stmt& bind(int index, const std::optional<std::int64_t>& v) { return v ? bind(index, *v) : bind_null(index); }

  // true: a row is ready; false: done. Errors carry SQLite's extended code in `constraint`.
  Result<bool> step();
  // Steps to the end, calling on_row() at each row (read it through int64(), text(), ...).
  template <typename F>
  Status each(F&& on_row) {
    for (;;) {
      auto row = step();
      if (!row) return row.status();
      if (!*row) return Status::Ok();
      on_row();
    }
  }
  // Runs a statement to completion, then resets it.
  Status run();
  void reset();

  sqlite3_stmt* get() const { return stmt_; }
  std::int64_t int64(int col) const { return sqlite3_column_int64(stmt_, col); }
  bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::string text(int col) const;
  std::optional<std::int64_t> optional_int64(int col) const {
    return is_null(col) ? std::nullopt : std::optional<std::int64_t>(int64(col));
  }

  // The extended result code of the last failed step (e.g. SQLITE_CONSTRAINT_UNIQUE).
  int last_error() const { return last_error_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  sqlite3* db_ = nullptr;
  int last_error_ = SQLITE_OK;
};

}  // namespace canarytrap::sqlite
