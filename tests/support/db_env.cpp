#include "support/db_env.h"

#include <libpq-fe.h>
#include <mysql.h>

#include <fstream>
#include <stdexcept>

namespace canarytrap::testing {

const std::map<std::string, std::string>& db_env() {
  static const std::map<std::string, std::string> env = [] {
    std::map<std::string, std::string> m;
    std::ifstream in(CT_DB_ENV_FILE);
    if (!in) {
      throw std::runtime_error(std::string("no ") + CT_DB_ENV_FILE +
                               ": the database fixture (tests/support/db_servers.sh) did not start");
    }
    for (std::string line; std::getline(in, line);) {
      const auto eq = line.find('=');
      if (eq != std::string::npos) m[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return m;
  }();
  return env;
}

Rows pg_query(const std::string& sql) {
  PGconn* c = PQconnectdb(db_env().at("CT_TEST_PG_URI").c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string err = PQerrorMessage(c);
    PQfinish(c);
    throw std::runtime_error("pg connect: " + err);
  }
  PGresult* r = PQexec(c, sql.c_str());
  const auto status = PQresultStatus(r);
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    std::string err = PQerrorMessage(c);
    PQclear(r);
    PQfinish(c);
    throw std::runtime_error("pg: " + err);
  }
  Rows rows;
  for (int i = 0; i < PQntuples(r); ++i) {
    std::vector<std::optional<std::string>> row;
    for (int j = 0; j < PQnfields(r); ++j) {
      row.push_back(PQgetisnull(r, i, j) ? std::nullopt : std::optional<std::string>(PQgetvalue(r, i, j)));
    }
    rows.push_back(std::move(row));
  }
  PQclear(r);
  PQfinish(c);
  return rows;
}

Rows mysql_query(const std::string& sql) {
  MYSQL* m = mysql_init(nullptr);
  mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  const unsigned port = static_cast<unsigned>(std::stoul(db_env().at("CT_TEST_MYSQL_PORT")));
  if (!mysql_real_connect(m, "127.0.0.1", "canary", "canary-secret", "people", port, nullptr, CLIENT_MULTI_STATEMENTS)) {
    std::string err = mysql_error(m);
    mysql_close(m);
    throw std::runtime_error("mysql connect: " + err);
  }
  Rows rows;
  if (mysql_query(m, sql.c_str()) != 0) {
    std::string err = mysql_error(m);
    mysql_close(m);
    throw std::runtime_error("mysql: " + err);
  }
  do {
    MYSQL_RES* res = mysql_store_result(m);
    if (res) {
      rows.clear();
      const unsigned n = mysql_num_fields(res);
      while (MYSQL_ROW row = mysql_fetch_row(res)) {
        std::vector<std::optional<std::string>> r;
        for (unsigned i = 0; i < n; ++i) r.push_back(row[i] ? std::optional<std::string>(row[i]) : std::nullopt);
        rows.push_back(std::move(r));
      }
      mysql_free_result(res);
    }
  } while (mysql_next_result(m) == 0);
  if (mysql_errno(m) != 0) {
    std::string err = mysql_error(m);
    mysql_close(m);
    throw std::runtime_error("mysql: " + err);
  }
  mysql_close(m);
  return rows;
}

}  // namespace canarytrap::testing
