#include <set>

#include "canarytrap/fake/validators.h"
#include "plant/plant_fixture.h"

namespace canarytrap::testing {
namespace {

using SqlitePlantTest = PlantTest;

constexpr const char* kPinyinTable =
    "CREATE TABLE persons (id INTEGER PRIMARY KEY, xm TEXT NOT NULL, xb TEXT, csrq TEXT, sfzh CHAR(18) UNIQUE, "
    "sjhm TEXT, zz TEXT, mz TEXT, yx TEXT, zp TEXT, zt TEXT NOT NULL, dj INTEGER, wx TEXT);"
    "INSERT INTO persons (xm, xb, csrq, sfzh, sjhm, zz, mz, yx, zp, zt, dj, wx) VALUES "
    "('张伟', '1', '19800101', '11010519800101003X', '13800000001', '北京市东城区人民路1号', '汉族', 'a@x.cn', "
    "'https://img.x.cn/1.jpg', 'active', 3, NULL),"
    "('李娜', '2', '19900202', '110105199002020048', '13800000002', '北京市东城区人民路2号', '汉族', 'b@x.cn', "
    "'https://img.x.cn/2.jpg', 'active', 5, NULL),"
    "('王芳', '2', '19850303', '110105198503030026', '13800000003', '北京市东城区人民路3号', '回族', 'c@x.cn', "
    "'https://img.x.cn/3.jpg', 'closed', 4, NULL),"
    "('刘强', '1', '19700404', '110105197004040016', '13800000004', '北京市东城区人民路4号', '汉族', 'd@x.cn', "
    "'https://img.x.cn/4.jpg', 'active', 2, NULL);";

TEST_F(SqlitePlantTest, PinyinColumnsMapAndRowsLookLikeTheirNeighbours) {
  const auto db = dir_ / "people.db";
  sql(db, kPinyinTable);
  auto r = plant_into("sqlite://" + db.string(), "persons", "prod-db", 20);
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_EQ(r->canary_ids.size(), 20u);
  std::map<std::string, std::string> plan;
  for (const auto& c : r->plan.columns) plan[c.column.name] = c.describe();
  EXPECT_EQ(plan["xm"], "<- name");
  EXPECT_EQ(plan["sfzh"], "<- id_number");
  EXPECT_EQ(plan["sjhm"], "<- phone");
  EXPECT_EQ(plan["yx"], "<- email");
  EXPECT_EQ(plan["zp"], "<- photo_url");
  EXPECT_EQ(plan["id"], "assigned by the database");
  EXPECT_NE(plan["zt"].find("profiled"), std::string::npos);
  // wx (a WeChat id: an e-mail synonym? no: unmapped) is always empty and stays empty.
  EXPECT_EQ(plan["wx"], "profiled: always empty");
  for (const auto& wx : column(db, "SELECT coalesce(wx, 'NULL') FROM persons WHERE id > 4")) EXPECT_EQ(wx, "NULL");

  EXPECT_EQ(column(db, "SELECT count(*) FROM persons")[0], "24");
  // Neighbours' formats: gender as 1/2, dates as YYYYMMDD, status from the value set.
  for (const auto& xb : column(db, "SELECT xb FROM persons WHERE id > 4")) EXPECT_TRUE(xb == "1" || xb == "2") << xb;
  for (const auto& csrq : column(db, "SELECT csrq FROM persons WHERE id > 4")) EXPECT_EQ(csrq.size(), 8u) << csrq;
  for (const auto& zt : column(db, "SELECT zt FROM persons WHERE id > 4")) EXPECT_TRUE(zt == "active" || zt == "closed");
  for (const auto& id : column(db, "SELECT sfzh FROM persons WHERE id > 4")) {
    EXPECT_TRUE(validate_resident_id(id, 2026, 11, 24).ok()) << id;
  }
  // Gender agrees with the ID's sequence parity, birth date with its date part.
  for (const auto& row : column(db, "SELECT xb || ',' || csrq || ',' || sfzh FROM persons WHERE id > 4")) {
    const std::string xb = row.substr(0, 1), csrq = row.substr(2, 8), id = row.substr(11);
    EXPECT_EQ(id.substr(6, 8), csrq);
    EXPECT_EQ((id[16] - '0') % 2 == 1, xb == "1") << row;
  }
  // Placements name the copy, the target without credentials, the table and the rowid.
  auto placements = reg_->placements_of(r->canary_ids);
  ASSERT_TRUE(placements);
  ASSERT_EQ(placements->size(), 20u);
  std::set<std::string> keys;
  for (const auto& p : *placements) {
    EXPECT_EQ(p.copy, "prod-db");
    EXPECT_EQ(p.table_name, "persons");
    keys.insert(p.row_key);
  }
  EXPECT_EQ(keys, (std::set<std::string>{"5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17", "18",
                                         "19", "20", "21", "22", "23", "24"}));
  // Each canary's e-mail is an smtp trigger, its photo URL an http trigger under our zone.
  auto canaries = reg_->list_canaries({.copy = "prod-db"});
  ASSERT_TRUE(canaries);
  for (const auto& c : *canaries) {
    ASSERT_EQ(c.triggers.size(), 3u);
    EXPECT_NE(c.triggers[0].value.find("@mail.example.net"), std::string::npos);
    EXPECT_NE(c.triggers[1].value.find(".canary.example.net/"), std::string::npos);
  }
}

TEST_F(SqlitePlantTest, AFieldItsNeighboursLeaveEmptyStaysEmpty) {
  const auto db = dir_ / "people.db";
  sql(db, "CREATE TABLE p (name TEXT, email TEXT, sfzh TEXT);"
          "INSERT INTO p VALUES ('a', NULL, '11010519800101003X'), ('b', NULL, '110105199002020048'),"
          "('c', NULL, '110105198503030026'), ('d', NULL, '110105197004040016');");
  auto r = plant_into("sqlite://" + db.string(), "p", "c", 5);
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_EQ(r->plan.columns[1].describe(), "profiled: always empty");
  EXPECT_EQ(column(db, "SELECT count(*) FROM p WHERE email IS NULL")[0], "9");
  // Asked for explicitly, the mapping stands.
  auto forced = plant_into("sqlite://" + db.string(), "p", "c2", 2, {{"email", "email"}});
  ASSERT_TRUE(forced) << forced.status().message();
  EXPECT_EQ(column(db, "SELECT count(*) FROM p WHERE email IS NOT NULL")[0], "2");
}

TEST_F(SqlitePlantTest, ThreeCopiesGetTheirOwnCanaries) {
  const auto db = dir_ / "people.db";
  sql(db, kPinyinTable);
  std::set<std::string> emails;
  for (const char* copy : {"prod-db", "backup-2026-11", "vendor-acme-export"}) {
    auto r = plant_into("sqlite:" + db.string(), "persons", copy, 10);
    ASSERT_TRUE(r) << r.status().message();
    auto listed = reg_->list_canaries({.copy = copy});
    ASSERT_TRUE(listed);
    EXPECT_EQ(listed->size(), 10u);
    for (const auto& c : *listed) emails.insert(c.primary()->value);
  }
  EXPECT_EQ(emails.size(), 30u);
  EXPECT_EQ(column(db, "SELECT count(*) FROM persons")[0], "34");
}

// The same seed draws the same people again: each of them is taken and must be drawn again
// until none is. Once by the target's rows alone (ID under a UNIQUE index, phone and e-mail
// unindexed), once by the registry's canaries alone (another, empty table).
TEST_F(SqlitePlantTest, PeopleWhoseValuesAreTakenAreDrawnAgain) {
  const auto db = dir_ / "people.db";
  const auto other = dir_ / "other.db";
  sql(db, kPinyinTable);
  sql(other, kPinyinTable);
  // The people a plant with the next seed would draw first, as real rows of the table.
  GeneratorOptions options;
  options.seed = seed_ + 1;
  options.mail_domains = settings_.mail_domains;
  auto gen = PersonGenerator::create(Locale::kZhCN, options);
  ASSERT_TRUE(gen);
  std::string rows = "INSERT INTO persons (xm, sfzh, sjhm, yx, zt) VALUES ";
  Person p;
  for (int i = 0; i < 300; ++i) {
    (*gen)->next(p);
    rows += (i ? ",('" : "('") + p[PersonField::kName] + "','" + p[PersonField::kIdNumber] + "','" +
            p[PersonField::kPhone] + "','" + p[PersonField::kEmail] + "','active')";
  }
  sql(db, rows);
  auto in_target = plant_into("sqlite:" + db.string(), "persons", "prod-db", 300);
  ASSERT_TRUE(in_target) << in_target.status().message();
  for (const char* col : {"sfzh", "sjhm", "lower(yx)"}) {
    EXPECT_EQ(column(db, std::string("SELECT count(DISTINCT ") + col + ") FROM persons")[0], "604") << col;
  }

  const std::uint64_t seed = seed_;
  ASSERT_TRUE(plant_into("sqlite:" + db.string(), "persons", "backup", 300));
  seed_ = seed;  // the backup's people first: only the registry holds them
  auto in_registry = plant_into("sqlite:" + other.string(), "persons", "vendor", 300);
  ASSERT_TRUE(in_registry) << in_registry.status().message();
  auto canaries = reg_->list_canaries({});
  ASSERT_TRUE(canaries);
  ASSERT_EQ(canaries->size(), 900u);
  std::set<std::string> ids, phones, emails;
  for (const auto& [path, first] : {std::pair{db, 304}, std::pair{other, 4}}) {  // the canary rows
    const std::string where = " FROM persons WHERE rowid > " + std::to_string(first);
    for (const auto& v : column(path, "SELECT sfzh" + where)) ids.insert(v);
    for (const auto& v : column(path, "SELECT sjhm" + where)) phones.insert(v);
    for (const auto& v : column(path, "SELECT lower(yx)" + where)) emails.insert(v);
  }
  EXPECT_EQ(ids.size(), 900u);
  EXPECT_EQ(phones.size(), 900u);
  EXPECT_EQ(emails.size(), 900u);
}

TEST_F(SqlitePlantTest, EnglishColumnsForEnUs) {
  const auto db = dir_ / "customers.db";
  sql(db,
      "CREATE TABLE customers (customer_id INTEGER PRIMARY KEY AUTOINCREMENT, first_name TEXT, last_name TEXT, "
      "email TEXT UNIQUE, phone TEXT, date_of_birth TEXT, ssn TEXT, street TEXT, city TEXT, state TEXT, zip TEXT, "
      "credit_card TEXT, signup TEXT);"
      "INSERT INTO customers (first_name, last_name, email, phone, date_of_birth, ssn, street, city, state, zip, "
      "credit_card, signup) VALUES ('Ann','Lee','ann@x.com','212-555-0100','05/12/1987','123-45-6789','1 Main St',"
      "'New York','NY','10001','4000000000000002','2024-01-05'),('Bo','Kim','bo@x.com','212-555-0101','11/02/1990',"
      "'123-45-6788','2 Main St','New York','NY','10002','4000000000000077','2024-03-07');");
  auto r = plant_into("sqlite://" + db.string(), "customers", "prod-db", 5, {}, Locale::kEnUS);
  ASSERT_TRUE(r) << r.status().message();
  // Dates follow the table's MM/DD/YYYY.
  for (const auto& dob : column(db, "SELECT date_of_birth FROM customers WHERE customer_id > 2")) {
    EXPECT_EQ(dob.size(), 10u);
    EXPECT_EQ(dob[2], '/') << dob;
  }
  for (const auto& card : column(db, "SELECT credit_card FROM customers WHERE customer_id > 2")) {
    EXPECT_TRUE(validate_card_number(card).ok()) << card;
  }
}

TEST_F(SqlitePlantTest, DryRunChangesNothing) {
  const auto db = dir_ / "people.db";
  sql(db, kPinyinTable);
  const std::string before = read_file(db);
  auto r = plant_into("sqlite://" + db.string(), "persons", "prod-db", 10, {}, Locale::kZhCN, true);
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_EQ(r->rows.size(), 3u);
  EXPECT_TRUE(r->canary_ids.empty());
  EXPECT_EQ(read_file(db), before);
  EXPECT_EQ(canary_count(), 0u);
  EXPECT_TRUE(reg_->list_copies()->empty());
}

TEST_F(SqlitePlantTest, FailureMidPlantLeavesTargetAndRegistryUnchanged) {
  const auto db = dir_ / "people.db";
  sql(db, kPinyinTable);
  // The database itself refuses the 8th new row, half-way through the plant.
  sql(db,
      "CREATE TRIGGER refuse_later BEFORE INSERT ON persons WHEN (SELECT count(*) FROM persons) >= 11 "
      "BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");
  const std::string before = read_file(db);
  auto r = plant_into("sqlite://" + db.string(), "persons", "prod-db", 15);
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find("injected failure"), std::string::npos) << r.status().message();
  EXPECT_EQ(read_file(db), before);
  EXPECT_EQ(canary_count(), 0u);
  EXPECT_TRUE(reg_->list_copies()->empty());
}

TEST_F(SqlitePlantTest, BadInputIsOneClearError) {
  const auto db = dir_ / "people.db";
  sql(db, kPinyinTable);
  sql(db, "CREATE TABLE short_ids (name TEXT, id_card VARCHAR(10)); CREATE TABLE int_names (name INTEGER, email TEXT);"
          "CREATE TABLE nothing_to_map (a TEXT, b TEXT);");
  const std::string target = "sqlite://" + db.string();
  const std::string before = read_file(db);
  struct Case {
    Result<PlantReport> result;
    std::string mentions;
  };
  std::vector<Case> cases;
  cases.push_back({plant_into(target, "nope", "c", 1), "no table 'nope'"});
  cases.push_back({plant_into(target, "persons", "c", 1, {{"shoe", "name"}}), "no column 'shoe'"});
  cases.push_back({plant_into(target, "persons", "c", 1, {{"zt", "shoe_size"}}), "shoe_size"});
  cases.push_back({plant_into(target, "persons", "c", 1, {{"zt", "ssn"}}), "no such field"});
  cases.push_back({plant_into(target, "short_ids", "c", 1), "too short"});
  cases.push_back({plant_into(target, "int_names", "c", 1), "cannot hold name"});
  cases.push_back({plant_into(target, "nothing_to_map", "c", 1), "--map"});
  cases.push_back({plant_into("sqlite://" + (dir_ / "absent.db").string(), "persons", "c", 1), "no such database"});
  cases.push_back({plant_into("ftp://x/y", "persons", "c", 1), "unknown scheme"});
  for (const auto& c : cases) {
    ASSERT_FALSE(c.result) << c.mentions;
    EXPECT_NE(c.result.status().message().find(c.mentions), std::string::npos) << c.result.status().message();
    EXPECT_EQ(c.result.status().message().find('\n'), std::string::npos);
  }
  EXPECT_EQ(read_file(db), before);
  EXPECT_EQ(canary_count(), 0u);
}

TEST_F(SqlitePlantTest, UnplantRemovesRowsAndRetiresPlacements) {
  const auto db = dir_ / "people.db";
  sql(db, kPinyinTable);
  ASSERT_TRUE(plant_into("sqlite://" + db.string(), "persons", "prod-db", 6));
  ASSERT_TRUE(plant_into("sqlite://" + db.string(), "persons", "backup", 4));
  auto r = unplant(*reg_, "sqlite://" + db.string(), "prod-db", std::nullopt, clock_);
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_EQ(r->rows_removed, 6u);
  EXPECT_EQ(r->placements, 6u);
  EXPECT_EQ(column(db, "SELECT count(*) FROM persons")[0], "8");
  auto canaries = reg_->list_canaries({.copy = "prod-db"});
  std::vector<std::int64_t> ids;
  for (const auto& c : *canaries) ids.push_back(c.id);
  auto placements = reg_->placements_of(ids);
  ASSERT_TRUE(placements);
  ASSERT_EQ(placements->size(), 6u);
  for (const auto& p : *placements) EXPECT_TRUE(p.retired_at.has_value());
  // Nothing left to do the second time.
  auto again = unplant(*reg_, "sqlite://" + db.string(), "prod-db", std::nullopt, clock_);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->rows_removed, 0u);
}

// 100 rows of a table with no INTEGER PRIMARY KEY: VACUUM renumbers its rowids.
constexpr const char* kRowidTable =
    "CREATE TABLE persons (xm TEXT, sfzh TEXT, csrq TEXT);"
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) "
    "INSERT INTO persons SELECT 'real' || i, NULL, '1990-01-01' FROM n;";

// Rows added after the plant, rows deleted before it, and VACUUM: the canaries' rowids now
// belong to real rows.
constexpr const char* kLaterRowsAndVacuum =
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10) "
    "INSERT INTO persons SELECT 'later' || i, NULL, '1990-01-01' FROM n;"
    "DELETE FROM persons WHERE rowid <= 3; VACUUM;";

TEST_F(SqlitePlantTest, UnplantAfterVacuumRemovesTheCanariesAndNoRealRow) {
  const auto db = dir_ / "people.db";
  sql(db, kRowidTable);
  ASSERT_TRUE(plant_into("sqlite://" + db.string(), "persons", "prod-db", 5, {{"sfzh", "id_number"}}));
  sql(db, kLaterRowsAndVacuum);
  auto r = unplant(*reg_, "sqlite://" + db.string(), "prod-db", std::nullopt, clock_);
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_EQ(r->rows_removed, 5u);
  EXPECT_EQ(r->placements, 5u);
  EXPECT_EQ(r->not_found, 0u);
  EXPECT_EQ(column(db, "SELECT count(*) FROM persons WHERE xm LIKE 'real%' OR xm LIKE 'later%'")[0], "107");
  EXPECT_EQ(column(db, "SELECT count(*) FROM persons")[0], "107");
}

TEST_F(SqlitePlantTest, UnplantLeavesARowItCannotTellFromARealOne) {
  const auto db = dir_ / "people.db";
  sql(db, kRowidTable);
  // Only a name and a birth date: nothing of its own to find a canary row by but its rowid.
  ASSERT_TRUE(plant_into("sqlite://" + db.string(), "persons", "prod-db", 5));
  sql(db, kLaterRowsAndVacuum);
  auto r = unplant(*reg_, "sqlite://" + db.string(), "prod-db", std::nullopt, clock_);
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_EQ(r->rows_removed, 0u);
  EXPECT_EQ(column(db, "SELECT count(*) FROM persons WHERE xm LIKE 'real%' OR xm LIKE 'later%'")[0], "107");
  // The canaries may still be in the table: their placements stay active, so that a hit on
  // one still names the copy, until the user says the rows are gone.
  EXPECT_EQ(r->not_found, 5u);
  EXPECT_EQ(r->placements, 0u);
  auto active = active_in("prod-db", "sqlite://" + db.string());
  ASSERT_TRUE(active);
  EXPECT_EQ(active->size(), 5u);
  auto retired = unplant(*reg_, "sqlite://" + db.string(), "prod-db", std::nullopt, clock_, /*retire_missing=*/true);
  ASSERT_TRUE(retired) << retired.status().message();
  EXPECT_EQ(retired->placements, 5u);
  EXPECT_EQ(retired->not_found, 0u);
  EXPECT_TRUE(active_in("prod-db", "sqlite://" + db.string())->empty());
}

TEST_F(SqlitePlantTest, KeyAndUniqueColumnsGetNewValuesShapedLikeTheirNeighbours) {
  const auto db = dir_ / "people.db";
  // A text primary key numbered in sequence, a dense unique number, a unique UUID (version 4
  // at the same place in every neighbour).
  sql(db, "CREATE TABLE persons (pid TEXT PRIMARY KEY, emp_no INTEGER NOT NULL UNIQUE, uid TEXT UNIQUE, xm TEXT, "
          "sfzh TEXT, csrq TEXT);"
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500) "
          "INSERT INTO persons SELECT printf('P%06d', i), i, lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || "
          "'-4' || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(6))), "
          "'x' || i, NULL, '1990-01-01' FROM n;");
  auto r = plant_into("sqlite://" + db.string(), "persons", "prod-db", 600, {{"sfzh", "id_number"}});
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_EQ(column(db, "SELECT count(*), count(DISTINCT pid), count(DISTINCT emp_no), count(DISTINCT uid) FROM "
                       "persons WHERE pid IS NOT NULL AND uid IS NOT NULL AND pid GLOB 'P[0-9][0-9][0-9][0-9][0-9][0-9]' "
                       "AND substr(uid, 15, 1) = '4' AND length(uid) = 36 AND substr(uid, 9, 1) = '-'")[0],
            "1100");
  // Past the neighbours' numbers, not far past: the free numbers of a sequence are after it.
  const auto largest = column(db, "SELECT max(emp_no) FROM persons WHERE sfzh IS NOT NULL");
  EXPECT_GT(std::stoll(largest[0]), 500);
  EXPECT_LT(std::stoll(largest[0]), 500 * 200);
}

TEST_F(SqlitePlantTest, CodesInSequenceContinueRightAfterTheTablesLargest) {
  const auto db = dir_ / "people.db";
  // 5,000 rows: the plant's sample (1,000 of them) need not show where they end. 100
  // canaries take numbers past 5,000, at most four doublings of 100 on.
  sql(db, "CREATE TABLE persons (pid TEXT PRIMARY KEY, xm TEXT, sfzh TEXT, csrq TEXT);"
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) "
          "INSERT INTO persons SELECT printf('P%06d', i), 'x' || i, NULL, '1990-01-01' FROM n;");
  ASSERT_TRUE(plant_into("sqlite://" + db.string(), "persons", "prod-db", 100, {{"sfzh", "id_number"}}));
  EXPECT_EQ(column(db, "SELECT count(*) FROM persons WHERE sfzh IS NOT NULL AND pid > 'P005000' AND pid <= 'P006600' "
                       "AND pid GLOB 'P[0-9][0-9][0-9][0-9][0-9][0-9]'")[0],
            "100");
}

TEST_F(SqlitePlantTest, CompositeKeyOfATableWithoutRowid) {
  const auto db = dir_ / "people.db";
  sql(db, "CREATE TABLE persons (pid TEXT NOT NULL, region INTEGER NOT NULL, xm TEXT, sfzh TEXT, csrq TEXT, "
          "PRIMARY KEY (pid, region)) WITHOUT ROWID;"
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) "
          "INSERT INTO persons SELECT printf('P%06d', i), 1 + i % 5, 'x' || i, NULL, '1990-01-01' FROM n;");
  ASSERT_TRUE(plant_into("sqlite://" + db.string(), "persons", "prod-db", 300, {{"sfzh", "id_number"}}));
  // The key part drawn unique is the one that repeats least (pid), not the region.
  EXPECT_EQ(column(db, "SELECT count(DISTINCT pid), max(region) FROM persons")[0], "500");
  EXPECT_EQ(column(db, "SELECT max(region) FROM persons")[0], "5");
  auto canaries = reg_->list_canaries({.copy = "prod-db"});
  ASSERT_TRUE(canaries);
  std::vector<std::int64_t> ids;
  for (const auto& c : *canaries) ids.push_back(c.id);
  auto placements = reg_->placements_of(ids);
  ASSERT_TRUE(placements);
  EXPECT_EQ(placements->at(0).row_key.rfind("pid=P", 0), 0u) << placements->at(0).row_key;
  auto r = unplant(*reg_, "sqlite://" + db.string(), "prod-db", std::nullopt, clock_);
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_EQ(r->rows_removed, 300u);
  EXPECT_EQ(column(db, "SELECT count(*) FROM persons WHERE xm LIKE 'x%'")[0], "200");
  EXPECT_EQ(column(db, "SELECT count(*) FROM persons")[0], "200");
}

TEST_F(SqlitePlantTest, AnAgeColumnAgreesWithTheBirthDate) {
  const auto db = dir_ / "people.db";
  sql(db, "CREATE TABLE persons (id INTEGER PRIMARY KEY, xm TEXT, nl INTEGER, csrq TEXT, sfzh TEXT);"
          "INSERT INTO persons (xm, nl, csrq, sfzh) VALUES ('a', 36, '1990-01-01', 'x1'), ('b', 46, '1980-05-05', 'x2');");
  ASSERT_TRUE(plant_into("sqlite://" + db.string(), "persons", "prod-db", 300));
  // Whole years from the birth date to the plant's date (the fixed clock's: 2026-11-24).
  EXPECT_EQ(column(db, "SELECT count(*) FROM persons WHERE id > 2 AND nl = (CAST(strftime('%Y%m%d', "
                       "1795548183, 'unixepoch') AS INTEGER) - CAST(strftime('%Y%m%d', csrq) AS INTEGER)) / 10000")[0],
            "300");
}

TEST_F(SqlitePlantTest, DateTimesAreDrawnNotCopiedFromNeighbours) {
  const auto db = dir_ / "people.db";
  sql(db, "CREATE TABLE persons (id INTEGER PRIMARY KEY, xm TEXT, csrq TEXT, sfzh TEXT, created TEXT);"
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) "
          "INSERT INTO persons (xm, csrq, sfzh, created) SELECT 'x' || i, '1990-01-01', 'x' || i, "
          "datetime(1609459200 + i * 987654, 'unixepoch') FROM n;");
  ASSERT_TRUE(plant_into("sqlite://" + db.string(), "persons", "prod-db", 200));
  // Each a date and time in the neighbours' form, and no copy of theirs: after the newest
  // (the table grows in time; TimeOrderTest) and before the plant (the fixture's clock).
  EXPECT_EQ(column(db, "SELECT count(DISTINCT created) FROM persons WHERE id > 100 AND created = datetime(created) "
                       "AND created BETWEEN '2021-01-01' AND '2026-11-24 23:59:59' AND created NOT IN "
                       "(SELECT created FROM persons WHERE id <= 100)")[0],
            "200");
}

TEST_F(SqlitePlantTest, ProfiledColumnsFollowTheWholeTableNotItsFirstRows) {
  // 4,000 rows: the first half from an old system ('legacy', 2011), the second from the web
  // ('active', 2024). A profile of the first 1,000 rows made every canary a 2011 legacy row.
  const auto db = dir_ / "people.db";
  const std::string rows =
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4000) "
      "SELECT printf('P%06d', i), 'x' || i, NULL, '1990-01-01', CASE WHEN i <= 2000 THEN 'legacy' ELSE 'active' END, "
      "CASE WHEN i <= 2000 THEN '2011-05-06' ELSE '2024-07-08' END FROM n";
  sql(db, "CREATE TABLE rowids (pid TEXT, xm TEXT, sfzh TEXT, csrq TEXT, zt TEXT, djrq TEXT);"
          "INSERT INTO rowids " + rows + ";"
          "CREATE TABLE keyed (pid TEXT PRIMARY KEY, xm TEXT, sfzh TEXT, csrq TEXT, zt TEXT, djrq TEXT) WITHOUT ROWID;"
          "INSERT INTO keyed " + rows + ";"
          // Rowids 1..2000, then 10^12 on: evenly spread rowids all land after the gap.
          "CREATE TABLE gappy (pid TEXT, xm TEXT, sfzh TEXT, csrq TEXT, zt TEXT, djrq TEXT);"
          "INSERT INTO gappy " + rows + " LIMIT 2000;"
          "INSERT INTO gappy (rowid, pid, xm, sfzh, csrq, zt, djrq) SELECT 1000000000000 + i, printf('P%06d', i), 'x', "
          "NULL, '1990-01-01', 'active', '2024-07-08' FROM (" + rows.substr(0, rows.find(" SELECT printf")) +
          " SELECT i FROM n WHERE i > 2000);");
  for (const char* table : {"rowids", "keyed", "gappy"}) {
    ASSERT_TRUE(plant_into("sqlite://" + db.string(), table, "prod-db", 200, {{"sfzh", "id_number"}})) << table;
    const std::string canaries = std::string(" FROM ") + table + " WHERE sfzh IS NOT NULL";
    const int active = std::stoi(column(db, "SELECT count(*)" + canaries + " AND zt = 'active'")[0]);
    EXPECT_GT(active, 50) << table;
    EXPECT_LT(active, 150) << table;
    EXPECT_EQ(column(db, "SELECT count(*)" + canaries + " AND zt IN ('legacy', 'active')")[0], "200") << table;
    EXPECT_GT(std::stoi(column(db, "SELECT count(*)" + canaries + " AND djrq >= '2024'")[0]), 50) << table;
  }
}

TEST_F(SqlitePlantTest, GeneratedColumnsAreLeftToTheDatabase) {
  // A generated column between the others: table_info leaves it out but SELECT * returns it,
  // so every later column's profile read its left neighbour's values (zt got birth dates).
  const auto db = dir_ / "people.db";
  sql(db, "CREATE TABLE persons (id INTEGER PRIMARY KEY, xm TEXT, label TEXT GENERATED ALWAYS AS (xm || '!') VIRTUAL, "
          "sfzh TEXT, csrq TEXT, zt TEXT);"
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50) "
          "INSERT INTO persons (xm, sfzh, csrq, zt) SELECT 'x' || i, 'id' || i, '1990-01-01', "
          "CASE WHEN i % 2 THEN 'open' ELSE 'closed' END FROM n;");
  ASSERT_TRUE(plant_into("sqlite://" + db.string(), "persons", "prod-db", 20));
  EXPECT_EQ(column(db, "SELECT count(*) FROM persons WHERE id > 50 AND zt IN ('open', 'closed') AND label = xm || '!'")[0],
            "20");
}

TEST_F(SqlitePlantTest, CanaryCellsKeepTheirNeighboursStorageClass) {
  // A column of type ANY or without a type keeps what it is given: canary cells given as text
  // were told apart by typeof() ('42' beside 42); a STRICT table refused text for BLOB.
  const auto db = dir_ / "people.db";
  const std::string rows =
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50) SELECT 'x' || i, 'id' || i, "
      "'1990-01-01', i * 1.5, i, randomblob(8), i, i * 7, -i FROM n";
  sql(db, "CREATE TABLE strict_persons (id INTEGER PRIMARY KEY, xm TEXT, sfzh TEXT, csrq TEXT, score REAL, "
          "visits INTEGER, avatar BLOB, extra ANY, code ANY, delta ANY) STRICT;"
          "INSERT INTO strict_persons (xm, sfzh, csrq, score, visits, avatar, extra, code, delta) " + rows + ";"
          "CREATE TABLE loose_persons (id INTEGER PRIMARY KEY, xm TEXT, sfzh TEXT, csrq TEXT, score, visits, avatar, "
          "extra, code, delta);"
          "INSERT INTO loose_persons (xm, sfzh, csrq, score, visits, avatar, extra, code, delta) " + rows + ";");
  for (const std::string table : {"strict_persons", "loose_persons"}) {
    auto r = plant_into("sqlite://" + db.string(), table, "prod-db", 20);
    ASSERT_TRUE(r) << table << ": " << r.status().message();
    EXPECT_EQ(column(db, "SELECT group_concat(DISTINCT typeof(score) || typeof(visits) || typeof(avatar) || "
                         "typeof(extra) || typeof(code) || typeof(delta)) FROM " + table + " WHERE id > 50")[0],
              "realintegerblobintegerintegerinteger")
        << table;
  }
}

TEST_F(SqlitePlantTest, PhonesAndIdsTakeTheirNeighboursForm) {
  // Phones written "+86 138 0000 0001", IDs with a lower-case x: canaries wrote 13800000001 and X.
  const auto db = dir_ / "people.db";
  sql(db, "CREATE TABLE persons (id INTEGER PRIMARY KEY, xm TEXT, sfzh TEXT, sjhm TEXT, csrq TEXT);"
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30) "
          "INSERT INTO persons (xm, sfzh, sjhm, csrq) SELECT 'x' || i, '1101051980010100' || printf('%02d', i) || "
          "CASE WHEN i % 3 = 0 THEN 'x' ELSE '' END, '+86 13' || (i % 10) || ' ' || printf('%04d', i) || ' ' || "
          "printf('%04d', 7 * i), '1980-01-01' FROM n;");
  // A phone the table holds in that form is one the plant must not repeat: the dry run shows
  // the first person the same seed draws; their phone goes into the table first.
  auto dry = plant_into("sqlite://" + db.string(), "persons", "prod-db", 1, {}, Locale::kZhCN, true);
  ASSERT_TRUE(dry) << dry.status().message();
  std::string taken;
  for (std::size_t c = 0; c < dry->plan.columns.size(); ++c) {
    if (dry->plan.columns[c].column.name == "sjhm") taken = *dry->rows.at(0).at(c);
  }
  ASSERT_EQ(taken.rfind("+86 1", 0), 0u) << taken;
  sql(db, "INSERT INTO persons (xm, sfzh, sjhm, csrq) VALUES ('y', 'y', '" + taken + "', '1980-01-01');");
  --seed_;
  ASSERT_TRUE(plant_into("sqlite://" + db.string(), "persons", "prod-db", 200));
  EXPECT_EQ(column(db, "SELECT count(*) FROM persons WHERE id > 31 AND sjhm GLOB '+86 1[0-9][0-9] [0-9][0-9][0-9][0-9] "
                       "[0-9][0-9][0-9][0-9]'")[0],
            "200");
  EXPECT_EQ(column(db, "SELECT count(*) FROM persons WHERE id > 31 AND sfzh GLOB '*X'")[0], "0");
  EXPECT_GT(std::stoi(column(db, "SELECT count(*) FROM persons WHERE id > 31 AND sfzh GLOB '*x'")[0]), 0);
  EXPECT_EQ(column(db, "SELECT count(*) FROM persons WHERE sjhm = '" + taken + "'")[0], "1");
}

TEST_F(SqlitePlantTest, EnUsPhonesSsnsAndCardsTakeTheirNeighboursForm) {
  const auto db = dir_ / "people.db";
  sql(db, "CREATE TABLE customers (customer_id INTEGER PRIMARY KEY, first_name TEXT, last_name TEXT, email TEXT, "
          "phone TEXT, ssn TEXT, card_number TEXT);"
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30) "
          "INSERT INTO customers (first_name, last_name, email, phone, ssn, card_number) SELECT 'A' || i, 'B', "
          "'a' || i || '@x.com', '(212) 555-' || printf('%04d', i), printf('%09d', 123450000 + i), "
          "'4000 1234 5678 ' || printf('%04d', i) FROM n;");
  ASSERT_TRUE(plant_into("sqlite://" + db.string(), "customers", "prod-db", 200, {}, Locale::kEnUS));
  const std::string canaries = " FROM customers WHERE customer_id > 30";
  EXPECT_EQ(column(db, "SELECT count(*)" + canaries + " AND phone GLOB '([0-9][0-9][0-9]) [0-9][0-9][0-9]-[0-9][0-9][0-9][0-9]'")[0],
            "200");
  EXPECT_EQ(column(db, "SELECT count(*)" + canaries + " AND ssn GLOB '[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'")[0],
            "200");
  // Cards of 16 digits in groups of four; American Express (15 digits) as drawn.
  EXPECT_EQ(column(db, "SELECT count(*)" + canaries + " AND (card_number GLOB '[0-9][0-9][0-9][0-9] [0-9][0-9][0-9][0-9] "
                       "[0-9][0-9][0-9][0-9] [0-9][0-9][0-9][0-9]' OR length(card_number) = 15)")[0],
            "200");
}

TEST(DensityPlannerTest, SeedCaseNeeds3993) {
  auto n = canaries_for_sample(750'000.0 / 1'000'000'000.0, 0.95);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 3993);
  EXPECT_EQ(*canaries_for_sample(0.5, 0.75), 2);
  EXPECT_FALSE(canaries_for_sample(0, 0.95));
  EXPECT_FALSE(canaries_for_sample(0.1, 1));
}

}  // namespace
}  // namespace canarytrap::testing
