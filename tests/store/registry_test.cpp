#include "canarytrap/store/registry.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace canarytrap {
namespace {

using testing::TempDir;

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = Registry::open(dir_ / "r.db", {.create_if_missing = true});
    ASSERT_TRUE(r) << r.status().message();
    reg_ = std::move(*r);
  }
  static TriggerValue dns(const std::string& label) {
    return {Channel::kDns, label + ".z.example", label + ".z.example", label};
  }
  NewCanary canary(std::vector<TriggerValue> triggers, std::optional<std::int64_t> copy = std::nullopt) {
    return {CanaryKind::kDns, copy, "", "memo", from_unix_micros(1'000'000), std::move(triggers)};
  }
  TempDir dir_;
  std::unique_ptr<Registry> reg_;
};

TEST_F(RegistryTest, CopiesAreCreatedOnceByName) {
  auto a = reg_->ensure_copy("prod-db", from_unix_micros(5));
  auto b = reg_->ensure_copy("prod-db", from_unix_micros(9));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->id, b->id);
  EXPECT_EQ(to_unix_micros(b->created_at), 5);
  auto all = reg_->list_copies();
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 1u);
  EXPECT_FALSE(reg_->ensure_copy("", from_unix_micros(1)));
}

TEST_F(RegistryTest, CanaryAndTriggersRoundTrip) {
  auto copy = reg_->ensure_copy("vendor-acme-export", from_unix_micros(1));
  ASSERT_TRUE(copy);
  auto id = reg_->insert_canary(canary({dns("aaa"), dns("bbb")}, copy->id));
  ASSERT_TRUE(id) << id.status().message();
  auto rows = reg_->list_canaries({});
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  const CanaryRow& c = (*rows)[0];
  EXPECT_EQ(c.id, *id);
  EXPECT_EQ(c.copy, "vendor-acme-export");
  EXPECT_EQ(c.memo, "memo");
  EXPECT_EQ(to_unix_micros(c.created_at), 1'000'000);
  ASSERT_EQ(c.triggers.size(), 2u);
  EXPECT_EQ(c.primary()->value, "aaa.z.example");
  EXPECT_EQ(c.triggers[1].token, "bbb");
}

TEST_F(RegistryTest, TakenEmailIsAlreadyExistsAndNothingIsWritten) {
  const TriggerValue mail{Channel::kSmtp, "Wei.Zhang88@m.example", "wei.zhang88@m.example", "wei.zhang88@m.example"};
  ASSERT_TRUE(reg_->insert_canary(canary({mail})));
  auto dup = reg_->insert_canary(canary({dns("ccc"), mail}));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.status().code(), Status::Code::kAlreadyExists);  // draw another and try again
  auto rows = reg_->list_canaries({});
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->size(), 1u);
  EXPECT_TRUE(reg_->insert_canary(canary({dns("ccc")})));
}

TEST_F(RegistryTest, DuplicateNormalizedValueIsRefusedAndNothingIsWritten) {
  ASSERT_TRUE(reg_->insert_canary(canary({dns("aaa")})));
  // Same normalized value (so the same token): the second trigger must not half-insert the canary.
  TriggerValue clash{Channel::kDns, "AAA.Z.example", "aaa.z.example", "aaa"};
  auto dup = reg_->insert_canary(canary({dns("ccc"), clash}));
  ASSERT_FALSE(dup);
  EXPECT_NE(dup.status().message().find("UNIQUE"), std::string::npos) << dup.status().message();
  auto rows = reg_->list_canaries({});
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->size(), 1u);
  // ccc was rolled back with its canary, so it can be used again.
  EXPECT_TRUE(reg_->insert_canary(canary({dns("ccc")})));
}

// UNIQUE(token) keeps the values unique only if the token is the one the value carries.
TEST_F(RegistryTest, ATokenTheValueDoesNotCarryIsRefused) {
  const std::vector<TriggerValue> wrong = {
      {Channel::kDns, "aaa.z.example", "aaa.z.example", "other"},
      {Channel::kDns, "aaa.z.example", "aaa.z.example", ""},
      {Channel::kHttp, "http://aaa.z.example/img/u/0f0f.jpg", "aaa.z.example/img/u/0f0f.jpg", "aaa"},
      {Channel::kSmtp, "Li.Wei@m.example", "li.wei@m.example", "li.wei"},
  };
  for (const TriggerValue& t : wrong) {
    auto one = reg_->insert_canary(canary({dns("ccc"), t}));
    ASSERT_FALSE(one) << t.token;
    EXPECT_EQ(one.status().code(), Status::Code::kInvalidArgument) << one.status().message();
    EXPECT_NE(one.status().message().find("token '" + t.token + "'"), std::string::npos) << one.status().message();
    Registry::Transaction tx(*reg_);
    ASSERT_TRUE(tx.begun().ok());
    auto bulk = reg_->insert_canaries({canary({dns("ddd")}), canary({t})});
    ASSERT_FALSE(bulk) << t.token;
    EXPECT_EQ(bulk.status().code(), Status::Code::kInvalidArgument) << bulk.status().message();
  }
  EXPECT_EQ(reg_->list_canaries({})->size(), 0u);
  // The tokens the minter's shapes carry are accepted.
  EXPECT_TRUE(reg_->insert_canary(canary({dns("aaa"),
                                          {Channel::kHttp, "https://aaa.z.example/static/avatars/2020/01/0f0f.jpg",
                                           "aaa.z.example/static/avatars/2020/01/0f0f.jpg", "0f0f"},
                                          {Channel::kSmtp, "Li.Wei@m.example", "li.wei@m.example", "li.wei@m.example"}})));
}

TEST_F(RegistryTest, DuplicateTokenIsRefused) {
  ASSERT_TRUE(reg_->insert_canary(canary({dns("aaa")})));
  TriggerValue same_token{Channel::kHttp, "http://x.z.example/aaa.jpg", "x.z.example/aaa.jpg", "aaa"};
  auto dup = reg_->insert_canary(canary({same_token}));
  ASSERT_FALSE(dup);
  EXPECT_NE(dup.status().message().find("UNIQUE"), std::string::npos) << dup.status().message();
  EXPECT_EQ(reg_->list_canaries({})->size(), 1u);
}

TEST_F(RegistryTest, FiltersByCopyAndKind) {
  auto prod = reg_->ensure_copy("prod", from_unix_micros(1));
  auto backup = reg_->ensure_copy("backup", from_unix_micros(1));
  ASSERT_TRUE(prod && backup);
  ASSERT_TRUE(reg_->insert_canary(canary({dns("p1")}, prod->id)));
  ASSERT_TRUE(reg_->insert_canary(canary({dns("b1")}, backup->id)));
  NewCanary smtp{CanaryKind::kSmtp, prod->id, "", "", from_unix_micros(2),
                 {{Channel::kSmtp, "a1@m.example", "a1@m.example", "a1@m.example"}}};
  ASSERT_TRUE(reg_->insert_canary(smtp));

  auto in_prod = reg_->list_canaries({.copy = "prod"});
  ASSERT_TRUE(in_prod);
  ASSERT_EQ(in_prod->size(), 2u);
  for (const auto& c : *in_prod) EXPECT_EQ(c.copy, "prod");
  auto smtp_only = reg_->list_canaries({.kind = CanaryKind::kSmtp});
  ASSERT_TRUE(smtp_only);
  ASSERT_EQ(smtp_only->size(), 1u);
  EXPECT_EQ((*smtp_only)[0].primary()->value, "a1@m.example");
  auto none = reg_->list_canaries({.copy = "prod", .kind = CanaryKind::kHttp});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  auto unknown = reg_->list_canaries({.copy = "nope"});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.status().code(), Status::Code::kNotFound);
}

TEST_F(RegistryTest, UncommittedTransactionRollsBack) {
  {
    Registry::Transaction tx(*reg_);
    ASSERT_TRUE(tx.begun().ok());
    ASSERT_TRUE(reg_->insert_canary(canary({dns("aaa")})));
  }
  auto rows = reg_->list_canaries({});
  ASSERT_TRUE(rows);
  EXPECT_TRUE(rows->empty());
  {
    Registry::Transaction tx(*reg_);
    ASSERT_TRUE(reg_->insert_canary(canary({dns("aaa")})));
    ASSERT_TRUE(tx.commit().ok());
  }
  rows = reg_->list_canaries({});
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->size(), 1u);
}

TEST_F(RegistryTest, KindNamesRoundTrip) {
  for (CanaryKind k : {CanaryKind::kRecord, CanaryKind::kDns, CanaryKind::kHttp, CanaryKind::kSmtp}) {
    auto parsed = parse_canary_kind(canary_kind_name(k));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(*parsed, k);
  }
  EXPECT_FALSE(parse_canary_kind("ftp"));
}

}  // namespace
}  // namespace canarytrap
