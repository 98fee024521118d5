// Planting into real PostgreSQL and MariaDB servers (started by the ctest fixture).
#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "canarytrap/fake/validators.h"
#include "plant/plant_fixture.h"
#include "support/db_env.h"
#include "support/run_process.h"

namespace canarytrap::testing {
namespace {

using DbPlantTest = PlantTest;

std::string pg() { return db_env().at("CT_TEST_PG_URI"); }
std::string my() { return db_env().at("CT_TEST_MYSQL_URI"); }
std::string first(const Rows& rows) { return rows.at(0).at(0).value_or("NULL"); }

// Pinyin columns, as in the seed case: name, gender code, birth date, ID, mobile, address,
// ethnicity, e-mail, photo, plus columns canarytrap must profile.
void make_pg_persons(const std::string& table) {
  pg_query("DROP TABLE IF EXISTS " + table + "; CREATE TABLE " + table +
           " (id SERIAL PRIMARY KEY, xm VARCHAR(20) NOT NULL, xb SMALLINT, csrq DATE, sfzh CHAR(18) UNIQUE, "
           "sjhm VARCHAR(11), zz TEXT, mz VARCHAR(10), yx TEXT, zp TEXT, zt VARCHAR(10) NOT NULL DEFAULT 'active', "
           "djsj TIMESTAMP); INSERT INTO " + table +
           " (xm, xb, csrq, sfzh, sjhm, zz, mz, yx, zp, zt, djsj) VALUES "
           "('张伟', 1, '1980-01-01', '11010519800101003X', '13800000001', '北京市东城区人民路1号', '汉族', 'a@x.cn', "
           "'https://img.x.cn/a.jpg', 'active', '2021-03-04 10:00:00'),"
           "('李娜', 2, '1990-02-02', '110105199002020048', '13800000002', '北京市东城区人民路2号', '汉族', 'b@x.cn', "
           "'https://img.x.cn/b.jpg', 'closed', '2022-05-06 11:00:00'),"
           "('王芳', 2, '1985-03-03', '110105198503030026', '13800000003', '北京市东城区人民路3号', '回族', 'c@x.cn', "
           "'https://img.x.cn/c.jpg', 'active', '2023-07-08 12:00:00')");
}

void make_my_persons(const std::string& table) {
  mysql_query("DROP TABLE IF EXISTS " + table + "; CREATE TABLE " + table +
              " (id INT AUTO_INCREMENT PRIMARY KEY, xingming VARCHAR(20) NOT NULL, xingbie CHAR(1), chusheng_riqi DATE, "
              "shenfenzheng CHAR(18) UNIQUE, shouji VARCHAR(11), dizhi VARCHAR(200), minzu VARCHAR(10), youxiang "
              "VARCHAR(100), zhaopian VARCHAR(200), zhuangtai VARCHAR(10) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4; "
              "INSERT INTO " + table +
              " (xingming, xingbie, chusheng_riqi, shenfenzheng, shouji, dizhi, minzu, youxiang, zhaopian, zhuangtai) "
              "VALUES ('张伟', '男', '1980-01-01', '11010519800101003X', '13800000001', '北京市东城区人民路1号', '汉族', "
              "'a@x.cn', 'https://img.x.cn/a.jpg', 'A'),"
              "('李娜', '女', '1990-02-02', '110105199002020048', '13800000002', '北京市东城区人民路2号', '汉族', 'b@x.cn', "
              "'https://img.x.cn/b.jpg', 'B'),"
              "('王芳', '女', '1985-03-03', '110105198503030026', '13800000003', '北京市东城区人民路3号', '回族', 'c@x.cn', "
              "'https://img.x.cn/c.jpg', 'A')");
}

TEST_F(DbPlantTest, PostgresPinyinTableThreeCopies) {
  make_pg_persons("pg_persons_pinyin");
  for (const char* copy : {"prod-db", "replica", "vendor-acme-export"}) {
    auto r = plant_into(pg(), "pg_persons_pinyin", copy, 8);
    ASSERT_TRUE(r) << r.status().message();
    EXPECT_EQ(r->row_keys.size(), 8u);
  }
  EXPECT_EQ(first(pg_query("SELECT count(*) FROM pg_persons_pinyin")), "27");
  for (const auto& row : pg_query("SELECT xb::text, to_char(csrq, 'YYYYMMDD'), sfzh, zt FROM pg_persons_pinyin WHERE id > 3")) {
    const std::string id = *row[2];
    EXPECT_TRUE(validate_resident_id(id, 2026, 11, 24).ok()) << id;
    EXPECT_EQ(id.substr(6, 8), *row[1]);
    EXPECT_EQ((id[16] - '0') % 2 == 1 ? "1" : "2", *row[0]) << id;
    EXPECT_TRUE(*row[3] == "active" || *row[3] == "closed");
  }
  // Placements record the row's primary key and the URI without its password.
  auto canaries = reg_->list_canaries({.copy = "replica"});
  ASSERT_TRUE(canaries);
  ASSERT_EQ(canaries->size(), 8u);
  auto placements = reg_->placements_of({canaries->front().id});
  ASSERT_TRUE(placements);
  ASSERT_EQ(placements->size(), 1u);
  EXPECT_EQ(placements->front().target.find("canary-secret"), std::string::npos);
  EXPECT_EQ(first(pg_query("SELECT count(*) FROM pg_persons_pinyin WHERE id = " + placements->front().row_key)), "1");
}

TEST_F(DbPlantTest, PostgresEnglishTableAndDryRun) {
  pg_query("DROP TABLE IF EXISTS pg_customers; CREATE TABLE pg_customers (customer_id BIGINT GENERATED ALWAYS AS "
           "IDENTITY PRIMARY KEY, first_name TEXT, last_name TEXT, email TEXT UNIQUE, phone TEXT, dob DATE, ssn TEXT, "
           "city TEXT, state CHAR(2), zip CHAR(5), card_number TEXT);"
           "INSERT INTO pg_customers (first_name, last_name, email, phone, dob, ssn, city, state, zip, card_number) "
           "VALUES ('Ann', 'Lee', 'ann@x.com', '212-555-0100', '1987-05-12', '123-45-6789', 'New York', 'NY', '10001', "
           "'4000056655665556')");
  const std::string checksum = "SELECT md5(string_agg(t::text, ',' ORDER BY customer_id)) FROM pg_customers t";
  const std::string before = first(pg_query(checksum));
  auto dry = plant_into(pg(), "pg_customers", "prod-db", 5, {}, Locale::kEnUS, true);
  ASSERT_TRUE(dry) << dry.status().message();
  EXPECT_EQ(first(pg_query(checksum)), before);
  auto r = plant_into(pg(), "pg_customers", "prod-db", 5, {}, Locale::kEnUS);
  ASSERT_TRUE(r) << r.status().message();
  for (const auto& row : pg_query("SELECT ssn, card_number, state FROM pg_customers WHERE customer_id > 1")) {
    EXPECT_TRUE(validate_ssn(*row[0]).ok()) << *row[0];
    EXPECT_TRUE(validate_card_number(*row[1]).ok()) << *row[1];
    EXPECT_EQ(row[2]->size(), 2u);
  }
}

TEST_F(DbPlantTest, PostgresFailureMidPlantChangesNothing) {
  make_pg_persons("pg_persons_fail");
  pg_query("CREATE OR REPLACE FUNCTION refuse_later() RETURNS trigger AS $$ BEGIN "
           "IF (SELECT count(*) FROM pg_persons_fail) >= 8 THEN RAISE EXCEPTION 'injected failure'; END IF; "
           "RETURN NEW; END $$ LANGUAGE plpgsql;"
           "CREATE TRIGGER refuse_later BEFORE INSERT ON pg_persons_fail FOR EACH ROW EXECUTE FUNCTION refuse_later()");
  const std::string checksum = "SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM pg_persons_fail t";
  const std::string before = first(pg_query(checksum));
  auto r = plant_into(pg(), "pg_persons_fail", "prod-db", 10);
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find("injected failure"), std::string::npos) << r.status().message();
  EXPECT_EQ(first(pg_query(checksum)), before);
  EXPECT_EQ(canary_count(), 0u);
}

TEST_F(DbPlantTest, PostgresBadInput) {
  make_pg_persons("pg_persons_bad");
  auto wrong = plant_into("postgresql://canary:wrong@127.0.0.1:" + db_env().at("CT_TEST_PG_PORT") + "/people",
                          "pg_persons_bad", "c", 1);
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.status().message().find("password authentication failed"), std::string::npos)
      << wrong.status().message();
  EXPECT_EQ(wrong.status().message().find("wrong@"), std::string::npos);
  auto missing = plant_into(pg(), "no_such_table", "c", 1);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.status().message().find("pg_persons_bad"), std::string::npos) << missing.status().message();
  EXPECT_EQ(canary_count(), 0u);
}

TEST_F(DbPlantTest, PostgresUnplant) {
  make_pg_persons("pg_persons_unplant");
  ASSERT_TRUE(plant_into(pg(), "pg_persons_unplant", "prod-db", 4));
  auto r = unplant(*reg_, pg(), "prod-db", std::string("pg_persons_unplant"), clock_);
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_EQ(r->rows_removed, 4u);
  EXPECT_EQ(first(pg_query("SELECT count(*) FROM pg_persons_unplant")), "3");
}

// (pid, region) as the key: 30 people, 6 in each region.
constexpr const char* kCompositeKeyRows =
    " SELECT 'P' || lpad(i::text, 6, '0'), 1 + i % 5, 'x' || i, NULL, DATE '1990-01-01' FROM generate_series(1, 30) i";

TEST_F(DbPlantTest, PostgresCompositeKeyAndMovedRowsUnplantOnlyCanaries) {
  pg_query("DROP TABLE IF EXISTS pg_persons_pk2; CREATE TABLE pg_persons_pk2 (pid TEXT, region INT, xm TEXT, "
           "sfzh CHAR(18), csrq DATE, PRIMARY KEY (pid, region)); INSERT INTO pg_persons_pk2" +
           std::string(kCompositeKeyRows));
  ASSERT_TRUE(plant_into(pg(), "pg_persons_pk2", "prod-db", 20, {{"sfzh", "id_number"}}));
  EXPECT_EQ(first(pg_query("SELECT count(DISTINCT pid) FROM pg_persons_pk2")), "50");
  EXPECT_EQ(first(pg_query("SELECT max(region) FROM pg_persons_pk2")), "5");
  auto r = unplant(*reg_, pg(), "prod-db", std::nullopt, clock_);
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_EQ(r->rows_removed, 20u);
  EXPECT_EQ(first(pg_query("SELECT count(*) FROM pg_persons_pk2 WHERE xm LIKE 'x%'")), "30");
  EXPECT_EQ(first(pg_query("SELECT count(*) FROM pg_persons_pk2")), "30");

  // No primary key: rows are named by their ctid, which an UPDATE moves.
  pg_query("DROP TABLE IF EXISTS pg_persons_nopk; CREATE TABLE pg_persons_nopk (pid TEXT, region INT, xm TEXT, "
           "sfzh CHAR(18), csrq DATE); INSERT INTO pg_persons_nopk" + std::string(kCompositeKeyRows));
  ASSERT_TRUE(plant_into(pg(), "pg_persons_nopk", "backup", 10, {{"sfzh", "id_number"}}));
  pg_query("UPDATE pg_persons_nopk SET region = region + 10; INSERT INTO pg_persons_nopk" + std::string(kCompositeKeyRows));
  auto moved = unplant(*reg_, pg(), "backup", std::nullopt, clock_);
  ASSERT_TRUE(moved) << moved.status().message();
  EXPECT_EQ(moved->rows_removed, 10u);
  EXPECT_EQ(first(pg_query("SELECT count(*) FROM pg_persons_nopk WHERE xm LIKE 'x%'")), "60");
  EXPECT_EQ(first(pg_query("SELECT count(*) FROM pg_persons_nopk")), "60");
}

TEST_F(DbPlantTest, MariadbCompositeKeyUnplantsOnlyCanaries) {
  mysql_query("DROP TABLE IF EXISTS my_persons_pk2; CREATE TABLE my_persons_pk2 (pid VARCHAR(10) NOT NULL, region INT "
              "NOT NULL, xm VARCHAR(20), sfzh CHAR(18), csrq DATE, PRIMARY KEY (pid, region)) ENGINE=InnoDB DEFAULT "
              "CHARSET=utf8mb4; INSERT INTO my_persons_pk2 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
              "FROM n WHERE i < 30) SELECT concat('P', lpad(i, 6, '0')), 1 + i % 5, concat('x', i), NULL, "
              "'1990-01-01' FROM n");
  ASSERT_TRUE(plant_into(my(), "my_persons_pk2", "prod-db", 20, {{"sfzh", "id_number"}}));
  EXPECT_EQ(first(mysql_query("SELECT count(DISTINCT pid) FROM my_persons_pk2")), "50");
  EXPECT_EQ(first(mysql_query("SELECT max(region) FROM my_persons_pk2")), "5");
  auto r = unplant(*reg_, my(), "prod-db", std::nullopt, clock_);
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_EQ(r->rows_removed, 20u);
  EXPECT_EQ(first(mysql_query("SELECT count(*) FROM my_persons_pk2 WHERE xm LIKE 'x%'")), "30");
  EXPECT_EQ(first(mysql_query("SELECT count(*) FROM my_persons_pk2")), "30");

  // No primary key at all: the rows are found by their values.
  mysql_query("DROP TABLE IF EXISTS my_persons_nopk; CREATE TABLE my_persons_nopk AS SELECT * FROM my_persons_pk2");
  ASSERT_TRUE(plant_into(my(), "my_persons_nopk", "backup", 10, {{"sfzh", "id_number"}}));
  auto nopk = unplant(*reg_, my(), "backup", std::nullopt, clock_);
  ASSERT_TRUE(nopk) << nopk.status().message();
  EXPECT_EQ(nopk->rows_removed, 10u);
  EXPECT_EQ(first(mysql_query("SELECT count(*) FROM my_persons_nopk")), "30");
}

// 4,000 rows, the first half 'legacy' rows of 2011, the rest 'active' ones of 2024; 200
// canaries should look like rows of both halves, as the table does, not like its first rows.
void expect_canaries_like_the_whole_table(const Rows& canary_rows) {
  int active = 0, recent = 0;
  for (const auto& row : canary_rows) {
    active += row.at(0) == "active";
    recent += row.at(1)->rfind("2024-", 0) == 0;
  }
  EXPECT_EQ(canary_rows.size(), 200u);
  EXPECT_GT(active, 50);
  EXPECT_LT(active, 150);
  EXPECT_GT(recent, 50);
}

TEST_F(DbPlantTest, PostgresProfilesTheWholeTableNotItsFirstRows) {
  pg_query("DROP TABLE IF EXISTS pg_history; CREATE TABLE pg_history (id SERIAL PRIMARY KEY, xm TEXT, sfzh TEXT, "
           "csrq DATE, zt TEXT, djrq DATE); INSERT INTO pg_history (xm, csrq, zt, djrq) SELECT 'x' || i, '1990-01-01', "
           "CASE WHEN i <= 2000 THEN 'legacy' ELSE 'active' END, CASE WHEN i <= 2000 THEN DATE '2011-05-06' ELSE "
           "DATE '2024-07-08' END FROM generate_series(1, 4000) i");
  auto r = plant_into(pg(), "pg_history", "prod-db", 200, {{"sfzh", "id_number"}});
  ASSERT_TRUE(r) << r.status().message();
  expect_canaries_like_the_whole_table(pg_query("SELECT zt, djrq::text FROM pg_history WHERE sfzh IS NOT NULL"));
}

TEST_F(DbPlantTest, MariadbProfilesTheWholeTableNotItsFirstRows) {
  mysql_query("DROP TABLE IF EXISTS my_history; CREATE TABLE my_history (id INT AUTO_INCREMENT PRIMARY KEY, "
              "xm VARCHAR(20), sfzh CHAR(18), csrq DATE, zt VARCHAR(10), djrq DATE); SET max_recursive_iterations = 5000; "
              "INSERT INTO my_history "
              "(xm, csrq, zt, djrq) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4000) "
              "SELECT CONCAT('x', i), '1990-01-01', IF(i <= 2000, 'legacy', 'active'), IF(i <= 2000, '2011-05-06', "
              "'2024-07-08') FROM n");
  auto r = plant_into(my(), "my_history", "prod-db", 200, {{"sfzh", "id_number"}});
  ASSERT_TRUE(r) << r.status().message();
  expect_canaries_like_the_whole_table(mysql_query("SELECT zt, djrq FROM my_history WHERE sfzh IS NOT NULL"));
}

// The values a dry run shows are the first people the same seed draws for the plant.
std::map<std::string, std::string> dry_run_values(const PlantReport& dry, std::size_t row) {
  std::map<std::string, std::string> by_column;
  for (std::size_t c = 0; c < dry.plan.columns.size(); ++c) {
    if (dry.rows.at(row).at(c)) by_column[dry.plan.columns[c].column.name] = *dry.rows.at(row).at(c);
  }
  return by_column;
}

TEST_F(DbPlantTest, MariadbValuesTakenInAnotherCaseAreDrawnAgain) {
  // A case-insensitive collation (MariaDB's default): a real row's ID with a lower-case x and
  // its e-mail address in capitals are the canary's values all the same. The table returns
  // them in its own spelling; that crashed the plant (std::out_of_range).
  mysql_query("DROP TABLE IF EXISTS my_case; CREATE TABLE my_case (id INT AUTO_INCREMENT PRIMARY KEY, "
              "xingming VARCHAR(20), shenfenzheng CHAR(18) UNIQUE, youxiang VARCHAR(100) UNIQUE) "
              "DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci");
  mysql_query("INSERT INTO my_case (xingming, shenfenzheng, youxiang) VALUES ('甲', '11010519800101003x', 'a@x.cn')");
  auto dry = plant_into(my(), "my_case", "prod-db", 3, {}, Locale::kZhCN, true);
  ASSERT_TRUE(dry) << dry.status().message();
  std::set<std::string> taken_emails;
  for (std::size_t row = 0; row < 3; ++row) {
    auto values = dry_run_values(*dry, row);
    std::string id = values.at("shenfenzheng"), email = values.at("youxiang");
    for (char& ch : id) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    for (char& ch : email) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    taken_emails.insert(email);
    mysql_query("INSERT INTO my_case (xingming, shenfenzheng, youxiang) VALUES ('乙', '" + id + "', '" + email + "')");
  }
  --seed_;  // the plant draws with the dry run's seed
  auto r = plant_into(my(), "my_case", "prod-db", 50);
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_EQ(first(mysql_query("SELECT count(*) FROM my_case")), "54");
  for (const auto& email : taken_emails) {
    EXPECT_EQ(first(mysql_query("SELECT count(*) FROM my_case WHERE youxiang = '" + email + "'")), "1") << email;
  }
}

TEST_F(DbPlantTest, PostgresChecksValuesThroughTheColumnsIndex) {
  // The usual ID column is CHAR(18), phones are often BIGINT: compared as text, neither
  // column's index served the check, and the table was read whole for every 500 values.
  pg_query("DROP TABLE IF EXISTS pg_typed; CREATE TABLE pg_typed (id SERIAL PRIMARY KEY, xm TEXT, sfzh CHAR(18) "
           "UNIQUE, sjhm BIGINT UNIQUE, csrq DATE); INSERT INTO pg_typed (xm, sfzh, sjhm, csrq) SELECT 'x' || i, "
           "lpad(i::text, 17, '0') || 'X', 13000000000 + i, '1990-01-01' FROM generate_series(1, 100000) i; ANALYZE pg_typed");
  auto dry = plant_into(pg(), "pg_typed", "prod-db", 3, {}, Locale::kZhCN, true);
  ASSERT_TRUE(dry) << dry.status().message();
  std::vector<std::string> taken_ids, taken_phones;
  for (std::size_t row = 0; row < 3; ++row) {
    auto values = dry_run_values(*dry, row);
    taken_ids.push_back(values.at("sfzh"));
    taken_phones.push_back(values.at("sjhm"));
    pg_query("INSERT INTO pg_typed (xm, sfzh, sjhm, csrq) VALUES ('y', '" + taken_ids.back() + "', " +
             (row == 0 ? taken_phones.back() : std::to_string(14000000000 + row)) + ", '1990-01-01')");
  }
  const auto scans = [] { return std::stoll(first(pg_query("SELECT seq_scan FROM pg_stat_user_tables WHERE relname = 'pg_typed'"))); };
  const auto inserted = [] { return first(pg_query("SELECT n_tup_ins FROM pg_stat_user_tables WHERE relname = 'pg_typed'")); };
  // Statistics reach pg_stat_user_tables when a session ends: wait for the rows made above.
  for (int i = 0; i < 100 && inserted() != "100003"; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_EQ(inserted(), "100003");
  const long long before = scans();
  --seed_;  // the plant draws with the dry run's seed
  auto r = plant_into(pg(), "pg_typed", "prod-db", 2000);
  ASSERT_TRUE(r) << r.status().message();
  for (int i = 0; i < 100 && inserted() != "102003"; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_EQ(inserted(), "102003");
  // Counting the rows and sampling them read the table; 2,000 people's IDs and phones,
  // checked 500 at a time, do not (before: at least 8 more).
  EXPECT_LE(scans() - before, 3);
  // And the values the table holds were found, in CHAR and BIGINT alike: drawn again.
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(first(pg_query("SELECT count(*) FROM pg_typed WHERE sfzh = '" + taken_ids[i] + "'")), "1");
  }
  EXPECT_EQ(first(pg_query("SELECT count(*) FROM pg_typed WHERE sjhm = " + taken_phones[0])), "1");
}

// 2,500 rows go in three multi-row INSERTs; each placement's key must name its own row.
TEST_F(DbPlantTest, KeysOfRowsInsertedManyAStatementNameTheirOwnRows) {
  pg_query("DROP TABLE IF EXISTS pg_many; CREATE TABLE pg_many (id SERIAL PRIMARY KEY, xm TEXT, sfzh TEXT, yx TEXT)");
  mysql_query("DROP TABLE IF EXISTS my_many; CREATE TABLE my_many (id INT AUTO_INCREMENT PRIMARY KEY, xm VARCHAR(20), "
              "sfzh CHAR(18), yx VARCHAR(100)) DEFAULT CHARSET=utf8mb4");
  for (const std::string server : {"pg", "my"}) {
    const std::string table = server + "_many";
    auto r = plant_into(server == "pg" ? pg() : my(), table, server, 2500);
    ASSERT_TRUE(r) << r.status().message();
    auto active = active_in(server, server == "pg" ? pg() : my());
    ASSERT_TRUE(active);
    ASSERT_EQ(active->size(), 2500u);
    std::map<std::string, std::string> email_at;  // row key -> e-mail address in that row
    for (const auto& row : server == "pg" ? pg_query("SELECT id::text, yx FROM pg_many")
                                          : mysql_query("SELECT CAST(id AS CHAR), yx FROM my_many")) {
      email_at[*row[0]] = *row[1];
    }
    int right = 0;
    for (const auto& p : *active) {
      const auto it = email_at.find(p.row_key);
      right += it != email_at.end() && std::find(p.values.begin(), p.values.end(), it->second) != p.values.end();
    }
    EXPECT_EQ(right, 2500) << server;
  }
}

TEST_F(DbPlantTest, GeneratedColumnsAreLeftToTheServer) {
  // The plant inserted a value into them: PostgreSQL and MariaDB refuse that.
  pg_query("DROP TABLE IF EXISTS pg_generated; CREATE TABLE pg_generated (id SERIAL PRIMARY KEY, xm TEXT, "
           "label TEXT GENERATED ALWAYS AS (xm || '!') STORED, sfzh TEXT, csrq DATE)");
  mysql_query("DROP TABLE IF EXISTS my_generated; CREATE TABLE my_generated (id INT AUTO_INCREMENT PRIMARY KEY, "
              "xm VARCHAR(20), label VARCHAR(30) AS (CONCAT(xm, '!')) VIRTUAL, sfzh CHAR(18), csrq DATE) "
              "DEFAULT CHARSET=utf8mb4");
  auto p = plant_into(pg(), "pg_generated", "prod-db", 10);
  ASSERT_TRUE(p) << p.status().message();
  EXPECT_EQ(first(pg_query("SELECT count(*) FROM pg_generated WHERE label = xm || '!'")), "10");
  auto m = plant_into(my(), "my_generated", "prod-db", 10);
  ASSERT_TRUE(m) << m.status().message();
  EXPECT_EQ(first(mysql_query("SELECT count(*) FROM my_generated WHERE label = CONCAT(xm, '!')")), "10");
}

TEST_F(DbPlantTest, MariadbPinyinTableThreeCopies) {
  make_my_persons("my_persons_pinyin");
  for (const char* copy : {"prod-db", "backup-2026-11", "vendor-acme-export"}) {
    auto r = plant_into(my(), "my_persons_pinyin", copy, 8);
    ASSERT_TRUE(r) << r.status().message();
  }
  EXPECT_EQ(first(mysql_query("SELECT count(*) FROM my_persons_pinyin")), "27");
  for (const auto& row : mysql_query("SELECT xingbie, DATE_FORMAT(chusheng_riqi, '%Y%m%d'), shenfenzheng, zhuangtai, "
                                     "youxiang FROM my_persons_pinyin WHERE id > 3")) {
    const std::string id = *row[2];
    EXPECT_TRUE(validate_resident_id(id, 2026, 11, 24).ok()) << id;
    EXPECT_EQ(id.substr(6, 8), *row[1]);
    EXPECT_EQ((id[16] - '0') % 2 == 1 ? "男" : "女", *row[0]) << id;
    EXPECT_TRUE(*row[3] == "A" || *row[3] == "B");
    EXPECT_NE(row[4]->find("@mail.example.net"), std::string::npos);
  }
}

TEST_F(DbPlantTest, MariadbFailureMidPlantAndUnplant) {
  make_my_persons("my_persons_fail");
  mysql_query("CREATE TRIGGER my_refuse_later BEFORE INSERT ON my_persons_fail FOR EACH ROW BEGIN "
              "IF (SELECT count(*) FROM my_persons_fail) >= 8 THEN "
              "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected failure'; END IF; END");
  const std::string checksum =
      "SELECT md5(group_concat(concat_ws('|', id, xingming, shenfenzheng) ORDER BY id)) FROM my_persons_fail";
  const std::string before = first(mysql_query(checksum));
  auto r = plant_into(my(), "my_persons_fail", "prod-db", 10);
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find("injected failure"), std::string::npos) << r.status().message();
  EXPECT_EQ(first(mysql_query(checksum)), before);
  EXPECT_EQ(canary_count(), 0u);

  ASSERT_TRUE(plant_into(my(), "my_persons_fail", "prod-db", 4));
  auto un = unplant(*reg_, my(), "prod-db", std::nullopt, clock_);
  ASSERT_TRUE(un) << un.status().message();
  EXPECT_EQ(un->rows_removed, 4u);
  EXPECT_EQ(first(mysql_query("SELECT count(*) FROM my_persons_fail")), "3");
}

TEST_F(DbPlantTest, MariadbBadInput) {
  make_my_persons("my_persons_bad");
  auto wrong = plant_into("mysql://canary:wrong@127.0.0.1:" + db_env().at("CT_TEST_MYSQL_PORT") + "/people",
                          "my_persons_bad", "c", 1);
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.status().message().find("Access denied"), std::string::npos) << wrong.status().message();
  auto missing = plant_into(my(), "nope", "c", 1);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.status().message().find("my_persons_bad"), std::string::npos) << missing.status().message();
  mysql_query("DROP TABLE IF EXISTS my_short; CREATE TABLE my_short (xingming VARCHAR(2), youxiang VARCHAR(100))");
  auto short_col = plant_into(my(), "my_short", "c", 1);
  ASSERT_FALSE(short_col);
  EXPECT_NE(short_col.status().message().find("too short"), std::string::npos) << short_col.status().message();
  EXPECT_EQ(canary_count(), 0u);
}

// Dumps made by the real pg_dump and mysqldump, planted into, then restored by the real
// clients: the canary rows must come back as rows.
class DumpPlantTest : public PlantTest {
 protected:
  void run_ok(const std::string& command) {
    auto r = run_process({"/bin/sh", "-c", command});
    ASSERT_EQ(r.exit_code, 0) << command << "\n" << r.err;
  }
  std::string pg_tool(const std::string& tool) { return db_env().at("CT_TEST_PG_BIN") + "/" + tool; }
  std::string mysql_flags() {
    return " --no-defaults -h127.0.0.1 -P" + db_env().at("CT_TEST_MYSQL_PORT") + " -ucanary -pcanary-secret people ";
  }
  // `table` dumped by the real pg_dump (with `options`) or mysqldump into `file`.
  void pg_dump(const std::string& table, const std::filesystem::path& file, const std::string& options = "") {
    run_ok(pg_tool("pg_dump") + " '" + pg() + "' " + options + " -t " + table + " -f '" + file.string() + "'");
  }
  void mysqldump(const std::string& table, const std::filesystem::path& file) {
    run_ok("mysqldump" + mysql_flags() + table + " > '" + file.string() + "'");
  }
  // `table` dropped and made again from the dump `file` by the server's own client.
  void pg_restore(const std::string& table, const std::filesystem::path& file) {
    pg_query("DROP TABLE " + table);
    run_ok(pg_tool("psql") + " -q -v ON_ERROR_STOP=1 '" + pg() + "' -f '" + file.string() + "'");
  }
  void mysql_restore(const std::string& table, const std::filesystem::path& file) {
    mysql_query("DROP TABLE " + table);
    run_ok("mariadb" + mysql_flags() + " < '" + file.string() + "'");
  }
};

TEST_F(DumpPlantTest, PgDumpCopyAndInsertsRestoreWithTheCanaries) {
  for (const std::string style : {"", "--inserts", "--column-inserts"}) {
    const std::string table = "pg_dump_persons";
    make_pg_persons(table);
    const auto file = dir_ / ("dump" + style + ".sql");
    pg_dump(table, file, style);
    const std::string original = read_file(file);
    auto r = plant_into(file.string(), table, "pg-dump" + style, 6);
    ASSERT_TRUE(r) << style << ": " << r.status().message();
    // Ids continue above the dump's largest.
    std::set<std::string> keys(r->row_keys.begin(), r->row_keys.end());
    EXPECT_EQ(keys, (std::set<std::string>{"4", "5", "6", "7", "8", "9"})) << style;
    pg_restore(table, file);
    EXPECT_EQ(first(pg_query("SELECT count(*) FROM " + table)), "9") << style;
    EXPECT_EQ(first(pg_query("SELECT count(*) FROM " + table + " WHERE yx LIKE '%@mail.example.net'")), "6") << style;
    for (const auto& row : pg_query("SELECT sfzh FROM " + table + " WHERE id > 3")) {
      EXPECT_TRUE(validate_resident_id(*row[0], 2026, 11, 24).ok()) << *row[0];
    }
    // Unplanting takes the dump back to what pg_dump wrote.
    auto un = unplant(*reg_, file.string(), "pg-dump" + style, std::nullopt, clock_);
    ASSERT_TRUE(un) << un.status().message();
    EXPECT_EQ(un->rows_removed, 6u);
    EXPECT_EQ(read_file(file), original) << style;
  }
}

TEST_F(DumpPlantTest, MysqldumpRestoresWithTheCanaries) {
  const std::string table = "my_dump_persons";
  make_my_persons(table);
  const auto file = dir_ / "mysqldump.sql";
  mysqldump(table, file);
  const std::string original = read_file(file);
  auto r = plant_into(file.string(), table, "mysqldump", 7);
  ASSERT_TRUE(r) << r.status().message();
  mysql_restore(table, file);
  EXPECT_EQ(first(mysql_query("SELECT count(*) FROM " + table)), "10");
  for (const auto& row : mysql_query("SELECT shenfenzheng, xingbie FROM " + table + " WHERE id > 3")) {
    EXPECT_TRUE(validate_resident_id(*row[0], 2026, 11, 24).ok()) << *row[0];
    EXPECT_TRUE(*row[1] == "男" || *row[1] == "女");
  }
  auto un = unplant(*reg_, file.string(), "mysqldump", std::nullopt, clock_);
  ASSERT_TRUE(un) << un.status().message();
  EXPECT_EQ(read_file(file), original);
}

TEST_F(DumpPlantTest, CompositeKeysRestoreFromBothDumps) {
  // pg_dump puts the key in an ALTER TABLE after the data; mysqldump inside CREATE TABLE.
  pg_query("DROP TABLE IF EXISTS pg_dump_pk2; CREATE TABLE pg_dump_pk2 (pid TEXT, region INT, xm TEXT, sfzh CHAR(18), "
           "csrq DATE, PRIMARY KEY (pid, region)); INSERT INTO pg_dump_pk2" + std::string(kCompositeKeyRows));
  const auto pg_file = dir_ / "pk2.sql";
  pg_dump("pg_dump_pk2", pg_file);
  auto r = plant_into(pg_file.string(), "pg_dump_pk2", "pg-dump", 40, {{"sfzh", "id_number"}});
  ASSERT_TRUE(r) << r.status().message();
  pg_restore("pg_dump_pk2", pg_file);
  EXPECT_EQ(first(pg_query("SELECT count(*) FROM pg_dump_pk2")), "70");
  EXPECT_EQ(first(pg_query("SELECT max(region) FROM pg_dump_pk2")), "5");

  mysql_query("DROP TABLE IF EXISTS my_dump_pk2; CREATE TABLE my_dump_pk2 (pid VARCHAR(10) NOT NULL, region INT NOT "
              "NULL, xm VARCHAR(20), sfzh CHAR(18), csrq DATE, PRIMARY KEY (pid, region)) ENGINE=InnoDB DEFAULT "
              "CHARSET=utf8mb4; INSERT INTO my_dump_pk2 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
              "FROM n WHERE i < 30) SELECT concat('P', lpad(i, 6, '0')), 1 + i % 5, concat('x', i), NULL, "
              "'1990-01-01' FROM n");
  const auto my_file = dir_ / "my_pk2.sql";
  mysqldump("my_dump_pk2", my_file);
  auto m = plant_into(my_file.string(), "my_dump_pk2", "mysqldump", 40, {{"sfzh", "id_number"}});
  ASSERT_TRUE(m) << m.status().message();
  mysql_restore("my_dump_pk2", my_file);
  EXPECT_EQ(first(mysql_query("SELECT count(*) FROM my_dump_pk2")), "70");
}

// A COPY block in created_at order stays in it: each canary row goes where its time sorts
// (all over the block), and its updated_at keeps to created_at as the table's do.
TEST_F(DumpPlantTest, ACopyBlockInDateOrderStaysInDateOrder) {
  pg_query("DROP TABLE IF EXISTS pg_dump_dated; CREATE TABLE pg_dump_dated (xm TEXT, sfzh CHAR(18), "
           "created_at TIMESTAMP(0), updated_at TIMESTAMP(0)); INSERT INTO pg_dump_dated SELECT 'x' || i, "
           "lpad(i::text, 18, '0'), to_timestamp(1420070400 + i * 63115) AT TIME ZONE 'UTC', "
           "to_timestamp(1420070400 + i * 63115 + (i * 7919 % 31) * 86400) AT TIME ZONE 'UTC' "
           "FROM generate_series(1, 2000) i");
  const auto file = dir_ / "dated.sql";
  pg_dump("pg_dump_dated", file);
  auto r = plant_into(file.string(), "pg_dump_dated", "pg-dump", 100, {{"sfzh", "id_number"}});
  ASSERT_TRUE(r) << r.status().message();
  pg_restore("pg_dump_dated", file);
  // COPY writes the rows in the file's order: read back by ctid, none earlier than the one
  // before; canaries (names not x...) in the first half too; updated_at never first.
  EXPECT_EQ(first(pg_query("SELECT count(*) FROM (SELECT created_at, lag(created_at) OVER (ORDER BY ctid) AS prev "
                           "FROM pg_dump_dated) t WHERE created_at < prev")),
            "0");
  EXPECT_EQ(first(pg_query("SELECT count(*) FROM pg_dump_dated WHERE xm NOT LIKE 'x%' AND updated_at >= created_at")),
            "100");
  EXPECT_GT(std::stoi(first(pg_query("SELECT count(*) FROM (SELECT xm, row_number() OVER (ORDER BY ctid) AS n "
                                     "FROM pg_dump_dated) t WHERE xm NOT LIKE 'x%' AND n <= 1050"))),
            25);
  // The table has no key: each canary's placement says which record it went before
  // ("record K": the K-th of the dump's own rows follows it), its own position, not another's.
  std::map<std::string, int> own_rows_before;  // ID number -> the dump's rows before the canary
  int own = 0;
  for (const auto& row : pg_query("SELECT sfzh, xm LIKE 'x%' FROM pg_dump_dated ORDER BY ctid")) {
    if (*row[1] == "t") {
      ++own;
    } else {
      own_rows_before[*row[0]] = own;
    }
  }
  ASSERT_EQ(r->row_keys.size(), 100u);
  for (std::size_t i = 0; i < r->rows.size(); ++i) {
    EXPECT_EQ(r->row_keys[i], "record " + std::to_string(own_rows_before.at(*r->rows[i][1]) + 1)) << i;
  }
}

TEST_F(DumpPlantTest, DumpWithoutTheTableIsOneClearError) {
  const auto file = dir_ / "other.sql";
  write_file(file, "CREATE TABLE other (a int);\nINSERT INTO other VALUES (1);\n");
  auto r = plant_into(file.string(), "persons", "c", 1);
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find("no CREATE TABLE for 'persons'"), std::string::npos) << r.status().message();
  EXPECT_EQ(read_file(file), "CREATE TABLE other (a int);\nINSERT INTO other VALUES (1);\n");
}

}  // namespace
}  // namespace canarytrap::testing
