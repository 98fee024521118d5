#include "canarytrap/store/mint.h"

#include <gtest/gtest.h>

#include <set>

#include "support/temp_dir.h"

namespace canarytrap {
namespace {

using testing::TempDir;

class FixedClock final : public Clock {
 public:
  TimePoint now() const override { return from_unix_micros(1'795'548'183'000'000); }
};

MintSettings settings() { return {"canary.example.net", {"mail.example.net"}, "http"}; }

// Hands out a fixed e-mail address (the one trigger whose values can collide: name-like)
// for its first `fixed_draws` draws, then real ones.
class CollidingMinter final : public TriggerMinter {
 public:
  explicit CollidingMinter(int fixed_draws) : TriggerMinter(settings()), fixed_draws_(fixed_draws) {}
  TriggerValue smtp() const override {
    ++draws;
    if (draws <= fixed_draws_) return {Channel::kSmtp, "wei.zhang88@mail.example.net", "wei.zhang88@mail.example.net",
                                       "wei.zhang88@mail.example.net"};
    return TriggerMinter::smtp();
  }
  mutable int draws = 0;

 private:
  int fixed_draws_;
};

class MintTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = Registry::open(dir_ / "r.db", {.create_if_missing = true});
    ASSERT_TRUE(r) << r.status().message();
    reg_ = std::move(*r);
  }
  std::size_t registered() {
    auto rows = reg_->list_canaries({});
    EXPECT_TRUE(rows);
    return rows ? rows->size() : 0;
  }
  TempDir dir_;
  FixedClock clock_;
  std::unique_ptr<Registry> reg_;
};

TEST_F(MintTest, MintsDistinctValuesOfEachKind) {
  TriggerMinter minter(settings());
  for (CanaryKind kind : {CanaryKind::kDns, CanaryKind::kHttp, CanaryKind::kSmtp, CanaryKind::kRecord}) {
    auto minted = mint_canaries(*reg_, minter, {kind, "prod-db", "batch", 300}, clock_);
    ASSERT_TRUE(minted) << minted.status().message();
    ASSERT_EQ(minted->size(), 300u);
    std::set<std::string> values;
    for (const auto& c : *minted) {
      EXPECT_EQ(c.kind, kind);
      EXPECT_EQ(c.copy, "prod-db");
      values.insert(c.primary()->value);
    }
    EXPECT_EQ(values.size(), 300u);
  }
  auto records = reg_->list_canaries({.kind = CanaryKind::kRecord});
  ASSERT_TRUE(records);
  ASSERT_EQ(records->size(), 300u);
  // A record carries an e-mail, a photo URL and the URL host's dns trigger.
  const auto& t = (*records)[0].triggers;
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].channel, Channel::kSmtp);
  EXPECT_EQ(t[1].channel, Channel::kHttp);
  EXPECT_EQ(t[2].channel, Channel::kDns);
  EXPECT_NE(t[1].value.find(t[2].value), std::string::npos);
}

TEST_F(MintTest, CollisionsAreDrawnAgain) {
  CollidingMinter first(1);
  ASSERT_TRUE(mint_canaries(*reg_, first, {CanaryKind::kSmtp, std::nullopt, "", 1}, clock_));
  CollidingMinter second(3);
  auto minted = mint_canaries(*reg_, second, {CanaryKind::kSmtp, std::nullopt, "", 1}, clock_);
  ASSERT_TRUE(minted) << minted.status().message();
  EXPECT_EQ(second.draws, 4);
  EXPECT_NE((*minted)[0].primary()->value, "wei.zhang88@mail.example.net");
  EXPECT_EQ(registered(), 2u);
}

// A value that should never collide (87 random bits) and does: the mint fails whole.
class ImpossibleMinter final : public TriggerMinter {
 public:
  ImpossibleMinter() : TriggerMinter(settings()) {}
  TriggerValue dns() const override {
    return {Channel::kDns, "same.canary.example.net", "same.canary.example.net", "same"};
  }
};

TEST_F(MintTest, AnImpossibleCollisionRollsTheMintBack) {
  ImpossibleMinter minter;
  ASSERT_TRUE(mint_canaries(*reg_, minter, {CanaryKind::kDns, std::nullopt, "", 1}, clock_));
  auto again = mint_canaries(*reg_, minter, {CanaryKind::kDns, "prod-db", "", 3}, clock_);
  ASSERT_FALSE(again);
  EXPECT_NE(again.status().message().find("UNIQUE"), std::string::npos) << again.status().message();
  EXPECT_EQ(registered(), 1u);
}

TEST_F(MintTest, ExhaustedDrawsFailTheWholeBatch) {
  CollidingMinter always(1'000'000);
  // The first canary takes the fixed address; the second can never be drawn; the batch rolls back.
  auto minted = mint_canaries(*reg_, always, {CanaryKind::kSmtp, "prod-db", "", 5}, clock_);
  ASSERT_FALSE(minted);
  EXPECT_EQ(minted.status().code(), Status::Code::kAlreadyExists);
  EXPECT_EQ(registered(), 0u);
  auto copies = reg_->list_copies();
  ASSERT_TRUE(copies);
  EXPECT_TRUE(copies->empty());  // the copy created for the batch went with it
}

TEST_F(MintTest, CountIsBounded) {
  TriggerMinter minter(settings());
  EXPECT_FALSE(mint_canaries(*reg_, minter, {CanaryKind::kDns, std::nullopt, "", 0}, clock_));
  EXPECT_FALSE(mint_canaries(*reg_, minter, {CanaryKind::kDns, std::nullopt, "", -3}, clock_));
  EXPECT_FALSE(mint_canaries(*reg_, minter, {CanaryKind::kDns, std::nullopt, "", kMaxMintCount + 1}, clock_));
  EXPECT_EQ(registered(), 0u);
}

}  // namespace
}  // namespace canarytrap
