#include "store/migrations.h"

#include <gtest/gtest.h>

#include "canarytrap/store/registry.h"
#include "store/sqlite.h"
#include "support/temp_dir.h"

namespace canarytrap {
namespace {

using testing::TempDir;

sqlite::Db open_raw(const std::filesystem::path& p) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(p.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  return sqlite::Db(db);
}

std::int64_t count(const sqlite::Db& db, const std::string& sql) {
  auto n = db.query_int(sql);
  EXPECT_TRUE(n) << n.status().message();
  return n ? *n : -1;
}

TEST(MigrationsTest, VersionsAreConsecutive) {
  int expected = 1;
  for (const auto& m : store::migrations()) EXPECT_EQ(m.version, expected++);
  EXPECT_EQ(store::latest_schema_version(), expected - 1);
}

TEST(MigrationsTest, FreshRegistryGetsEveryTable) {
  TempDir dir;
  auto reg = Registry::open(dir / "r.db", {.create_if_missing = true});
  ASSERT_TRUE(reg) << reg.status().message();
  EXPECT_EQ((*reg)->schema_version(), store::latest_schema_version());
  reg->reset();
  auto db = open_raw(dir / "r.db");
  for (const char* table : {"copy", "canary", "trigger_value", "fingerprint", "placement", "hit", "incident",
                            "incident_hit", "alert"}) {
    EXPECT_EQ(count(db, std::string("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='") + table + "'"), 1)
        << table;
  }
  EXPECT_EQ(count(db, "PRAGMA application_id"), store::kApplicationId);
  auto mode = sqlite::Stmt::prepare(db, "PRAGMA journal_mode");
  ASSERT_TRUE(mode);
  ASSERT_TRUE(*mode->step());
  EXPECT_EQ(mode->text(0), "wal");
}

TEST(MigrationsTest, UpgradeFromVersion1KeepsData) {
  TempDir dir;
  {
    auto db = open_raw(dir / "old.db");
    ASSERT_TRUE(store::migrate(db, 1).ok());
    EXPECT_EQ(count(db, "PRAGMA user_version"), 1);
    EXPECT_EQ(count(db, "SELECT count(*) FROM sqlite_master WHERE name='hit'"), 0);
    ASSERT_TRUE(db.exec("INSERT INTO copy (name, created_at) VALUES ('prod-db', 1);"
                        "INSERT INTO canary (kind, copy_id, memo, created_at) VALUES ('dns', 1, 'old', 1);"
                        "INSERT INTO trigger_value (canary_id, channel, value, normalized, token) "
                        "VALUES (1, 'dns', 'abc.z.example', 'abc.z.example', 'abc')")
                    .ok());
  }
  auto reg = Registry::open(dir / "old.db", {});
  ASSERT_TRUE(reg) << reg.status().message();
  EXPECT_EQ((*reg)->schema_version(), store::latest_schema_version());
  auto canaries = (*reg)->list_canaries({});
  ASSERT_TRUE(canaries);
  ASSERT_EQ(canaries->size(), 1u);
  EXPECT_EQ((*canaries)[0].memo, "old");
  EXPECT_EQ((*canaries)[0].copy, "prod-db");
  ASSERT_EQ((*canaries)[0].triggers.size(), 1u);
  EXPECT_EQ((*canaries)[0].triggers[0].value, "abc.z.example");
}

TEST(MigrationsTest, MigratingTwiceChangesNothing) {
  TempDir dir;
  auto db = open_raw(dir / "r.db");
  ASSERT_TRUE(store::migrate(db).ok());
  const auto schema = [&] {
    auto st = sqlite::Stmt::prepare(db, "SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_master ORDER BY name)");
    EXPECT_TRUE(st);
    EXPECT_TRUE(*st->step());
    return st->text(0);
  };
  const std::string before = schema();
  ASSERT_TRUE(store::migrate(db).ok());
  EXPECT_EQ(schema(), before);
  EXPECT_EQ(count(db, "PRAGMA user_version"), store::latest_schema_version());
}

TEST(MigrationsTest, NewerRegistryIsRefusedUntouched) {
  TempDir dir;
  {
    auto db = open_raw(dir / "new.db");
    ASSERT_TRUE(store::migrate(db).ok());
    ASSERT_TRUE(db.exec("PRAGMA user_version = 99").ok());
  }
  const auto before = testing::read_file(dir / "new.db");
  auto reg = Registry::open(dir / "new.db", {});
  ASSERT_FALSE(reg);
  EXPECT_EQ(reg.status().code(), Status::Code::kUnsupported);
  EXPECT_NE(reg.status().message().find("newer"), std::string::npos);
  EXPECT_EQ(testing::read_file(dir / "new.db"), before);
}

TEST(MigrationsTest, ForeignFilesAreRefusedUntouched) {
  TempDir dir;
  testing::write_file(dir / "junk.db", "this is not a database, just some text that is long enough to have a header");
  auto junk = Registry::open(dir / "junk.db", {});
  ASSERT_FALSE(junk);
  EXPECT_NE(junk.status().message().find("not an SQLite database"), std::string::npos) << junk.status().message();
  EXPECT_EQ(testing::read_file(dir / "junk.db"),
            "this is not a database, just some text that is long enough to have a header");

  {
    auto db = open_raw(dir / "other.db");
    ASSERT_TRUE(db.exec("CREATE TABLE users (id INTEGER)").ok());
  }
  auto other = Registry::open(dir / "other.db", {});
  ASSERT_FALSE(other);
  EXPECT_NE(other.status().message().find("not a canarytrap registry"), std::string::npos);
  auto db = open_raw(dir / "other.db");
  EXPECT_EQ(count(db, "PRAGMA user_version"), 0);
  EXPECT_EQ(count(db, "SELECT count(*) FROM sqlite_master"), 1);
}

// Migration 7 rebuilds trigger_value (to drop UNIQUE(normalized)), which hits reference.
TEST(MigrationsTest, UpgradeFromVersion6KeepsTriggersAndTheHitsNamingThem) {
  TempDir dir;
  {
    auto db = open_raw(dir / "old.db");
    ASSERT_TRUE(store::migrate(db, 6).ok());
    ASSERT_TRUE(db.exec("PRAGMA foreign_keys = ON;"
                        "INSERT INTO copy (name, created_at) VALUES ('prod-db', 1);"
                        "INSERT INTO canary (id, kind, copy_id, memo, created_at) VALUES (7, 'record', 1, '', 1);"
                        "INSERT INTO trigger_value (id, canary_id, channel, value, normalized, token) VALUES "
                        "(40, 7, 'smtp', 'Li.Wei@m.example', 'li.wei@m.example', 'li.wei@m.example'),"
                        "(41, 7, 'dns', 'abc.z.example', 'abc.z.example', 'abc');"
                        "INSERT INTO fingerprint (canary_id, kind, normalized) VALUES (7, 'phone', '13800138000'),"
                        "(7, 'name_dob', '李伟|19900101');"
                        "INSERT INTO hit (canary_id, trigger_id, channel, at, source, details) VALUES "
                        "(7, 41, 'dns', 5, '192.0.2.1:53', '{}')")
                    .ok());
  }
  auto reg = Registry::open(dir / "old.db", {});
  ASSERT_TRUE(reg) << reg.status().message();
  EXPECT_EQ((*reg)->schema_version(), 8);
  EXPECT_TRUE((*reg)->value_mark_key());  // drawn by migration 8
  auto found = (*reg)->find_canary(7);
  ASSERT_TRUE(found && *found);
  ASSERT_EQ((*found)->triggers.size(), 2u);
  EXPECT_EQ((*found)->triggers[0].id, 40);
  EXPECT_EQ((*found)->triggers[1].token, "abc");
  auto hits = (*reg)->list_hits({});
  ASSERT_TRUE(hits) << hits.status().message();
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].trigger_value, "abc.z.example");
  EXPECT_TRUE(*(*reg)->has_fingerprint("phone", "13800138000"));
  reg->reset();

  auto db = open_raw(dir / "old.db");
  EXPECT_EQ(count(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
  auto check = sqlite::Stmt::prepare(db, "PRAGMA integrity_check");
  ASSERT_TRUE(check);
  ASSERT_TRUE(*check->step());
  EXPECT_EQ(check->text(0), "ok");
  check->reset();
  // Tokens stay unique; normalized values are unique through them; hits still reference triggers.
  EXPECT_FALSE(db.exec("INSERT INTO trigger_value (canary_id, channel, value, normalized, token) "
                       "VALUES (7, 'dns', 'abc.y.example', 'abc.y.example', 'abc')")
                   .ok());
  ASSERT_TRUE(db.exec("PRAGMA foreign_keys = ON").ok());
  EXPECT_FALSE(db.exec("DELETE FROM trigger_value WHERE id = 41").ok());
  EXPECT_EQ(count(db, "SELECT count(*) FROM sqlite_master WHERE name = 'trigger_value_new'"), 0);
}

TEST(MigrationsTest, MissingRegistryIsNotCreatedUnlessAsked) {
  TempDir dir;
  auto reg = Registry::open(dir / "absent.db", {});
  ASSERT_FALSE(reg);
  EXPECT_EQ(reg.status().code(), Status::Code::kNotFound);
  EXPECT_NE(reg.status().message().find("canarytrap init"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir / "absent.db"));
}

}  // namespace
}  // namespace canarytrap
