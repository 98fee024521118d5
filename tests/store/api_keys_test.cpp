// API keys: only hashes are stored; revoked keys stop working; names are unique.
#include <gtest/gtest.h>

#include "canarytrap/store/registry.h"
#include "store/sqlite.h"
#include "support/temp_dir.h"

namespace canarytrap {
namespace {

class ApiKeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = Registry::open(dir_ / "r.db", {.create_if_missing = true});
    ASSERT_TRUE(r) << r.status().message();
    reg_ = std::move(*r);
  }
  testing::TempDir dir_;
  std::unique_ptr<Registry> reg_;
  const TimePoint now = from_unix_micros(1'795'000'000'000'000);
};

TEST_F(ApiKeysTest, KeysAuthenticateUntilRevokedAndOnlyTheirHashIsStored) {
  auto key = reg_->create_api_key("alice", "admin", now);
  ASSERT_TRUE(key) << key.status().message();
  EXPECT_EQ(key->rfind("ctk_", 0), 0u);
  EXPECT_EQ(key->size(), 4u + 64u);
  auto who = reg_->authenticate_api_key(*key, now + std::chrono::seconds(5));
  ASSERT_TRUE(who);
  ASSERT_TRUE(*who);
  EXPECT_EQ((*who)->name, "alice");
  EXPECT_EQ((*who)->role, "admin");
  auto nobody = reg_->authenticate_api_key(*key + "0", now);
  ASSERT_TRUE(nobody);
  EXPECT_FALSE(*nobody);

  // The key appears nowhere in the registry file.
  reg_.reset();
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "r.db").c_str(), &raw), SQLITE_OK);
  sqlite::Db db(raw);
  auto st = sqlite::Stmt::prepare(db, "SELECT count(*) FROM api_key WHERE key_sha256 = ?1 OR name = ?1");
  ASSERT_TRUE(st);
  st->bind(1, *key);
  ASSERT_TRUE(*st->step());
  EXPECT_EQ(st->int64(0), 0);
  auto r = Registry::open(dir_ / "r.db", {});
  ASSERT_TRUE(r);
  reg_ = std::move(*r);

  auto listed = reg_->list_api_keys();
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  ASSERT_TRUE((*listed)[0].last_used_at);
  ASSERT_TRUE(reg_->revoke_api_key("alice", now).ok());
  auto revoked = reg_->authenticate_api_key(*key, now);
  ASSERT_TRUE(revoked);
  EXPECT_FALSE(*revoked);
  EXPECT_EQ(reg_->revoke_api_key("bob", now).code(), Status::Code::kNotFound);
}

TEST_F(ApiKeysTest, BadNamesRolesAndDuplicatesAreRefused) {
  ASSERT_TRUE(reg_->create_api_key("siem-bot", "viewer", now));
  EXPECT_EQ(reg_->create_api_key("siem-bot", "viewer", now).status().code(), Status::Code::kAlreadyExists);
  EXPECT_EQ(reg_->create_api_key("Bad Name", "viewer", now).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(reg_->create_api_key("x", "root", now).status().code(), Status::Code::kInvalidArgument);
  auto a = reg_->create_api_key("a", "viewer", now);
  auto b = reg_->create_api_key("b", "viewer", now);
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
}

TEST_F(ApiKeysTest, LastUsedIsWrittenAtMostOnceAMinute) {
  auto key = reg_->create_api_key("poller", "viewer", now);
  ASSERT_TRUE(key);
  const auto last_used = [&] {
    auto keys = reg_->list_api_keys();
    EXPECT_TRUE(keys && keys->size() == 1 && (*keys)[0].last_used_at);
    return *(*keys)[0].last_used_at;
  };
  ASSERT_TRUE(reg_->authenticate_api_key(*key, now));
  EXPECT_EQ(last_used(), now);
  ASSERT_TRUE(reg_->authenticate_api_key(*key, now + std::chrono::seconds(59)));
  EXPECT_EQ(last_used(), now) << "a request a second must not be a write a second";
  ASSERT_TRUE(reg_->authenticate_api_key(*key, now + std::chrono::seconds(61)));
  EXPECT_EQ(last_used(), now + std::chrono::seconds(61));
}

}  // namespace
}  // namespace canarytrap
