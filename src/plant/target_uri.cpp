#include <string>

#include "canarytrap/core/normalize.h"
#include "canarytrap/plant/target.h"
#include "targets.h"

namespace canarytrap {

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && ascii_lower(s.substr(s.size() - suffix.size())) == suffix;
}

Result<TargetKind> kind_of_file(std::string_view path) {
  if (ends_with(path, ".csv") || ends_with(path, ".tsv") || ends_with(path, ".txt")) return TargetKind::kCsv;
  if (ends_with(path, ".jsonl") || ends_with(path, ".ndjson")) return TargetKind::kJsonl;
  if (ends_with(path, ".sql")) return TargetKind::kSqlDump;
  if (ends_with(path, ".db") || ends_with(path, ".sqlite") || ends_with(path, ".sqlite3")) return TargetKind::kSqlite;
  return Status::InvalidArgument("cannot tell the format of '" + std::string(path) +
                                 "' from its extension (want .csv, .tsv, .jsonl, .sql or .db)");
}

}  // namespace

Result<TargetUri> parse_target_uri(std::string_view uri) {
  TargetUri t;
  t.redacted = redact_uri(uri);
  const auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("target '" + t.redacted + "': " + why);
  };
  if (uri.empty()) return bad("empty");
  if (uri.rfind("sqlite:", 0) == 0) {
    std::string_view rest = uri.substr(7);
    if (rest.rfind("//", 0) == 0) rest.remove_prefix(2);  // sqlite:///abs -> /abs
    if (rest.empty()) return bad("no database path");
    t.kind = TargetKind::kSqlite;
    t.path = std::string(rest);
    return t;
  }
  if (uri.rfind("postgresql://", 0) == 0 || uri.rfind("postgres://", 0) == 0) {
    t.kind = TargetKind::kPostgres;
    t.path = std::string(uri);  // libpq takes the URI as its connection string
    return t;
  }
  if (uri.rfind("mysql://", 0) == 0 || uri.rfind("mariadb://", 0) == 0) {
    t.kind = TargetKind::kMysql;
    t.path = std::string(uri);
    return t;
  }
  std::string_view path = uri;
  if (uri.rfind("file:", 0) == 0) {
    path = uri.substr(5);
    if (path.rfind("//", 0) == 0) path.remove_prefix(2);
  } else if (const auto colon = uri.find("://"); colon != std::string_view::npos) {
    return bad("unknown scheme '" + std::string(uri.substr(0, colon)) + "'");
  }
  if (path.empty()) return bad("no file path");
  auto kind = kind_of_file(path);
  if (!kind) return kind.status();
  t.kind = *kind;
  t.path = std::string(path);
  return t;
}

Result<std::unique_ptr<Target>> open_target(const TargetUri& uri, const std::string& table) {
  switch (uri.kind) {
    case TargetKind::kSqlite: return plant::open_sqlite_target(uri, table);
    case TargetKind::kCsv: return plant::open_csv_target(uri, table);
    case TargetKind::kJsonl: return plant::open_jsonl_target(uri, table);
    case TargetKind::kPostgres: return plant::open_postgres_target(uri, table);
    case TargetKind::kMysql: return plant::open_mysql_target(uri, table);
    case TargetKind::kSqlDump: return plant::open_sql_dump_target(uri, table);
    default: return Status::Unsupported("target kind not supported yet: " + uri.redacted);
  }
}

}  // namespace canarytrap
