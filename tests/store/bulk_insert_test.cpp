// The registry's bulk writes for plants: several rows per INSERT statement, ids assigned by
// the registry, values looked up in one read transaction from a second connection.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>

#include "canarytrap/store/registry.h"
#include "support/temp_dir.h"

namespace canarytrap {
namespace {

using testing::TempDir;

class BulkInsertTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = Registry::open(dir_ / "r.db", {.create_if_missing = true});
    ASSERT_TRUE(r) << r.status().message();
    reg_ = std::move(*r);
    auto copy = reg_->ensure_copy("bench", from_unix_micros(1));
    ASSERT_TRUE(copy);
    copy_ = copy->id;
  }
  // Person canary number n: an e-mail trigger and two fingerprints, all naming n.
  NewCanary person(int n) {
    const std::string mail = "p" + std::to_string(n) + "@mail.example.net";
    return {CanaryKind::kRecord,
            copy_,
            "zh_CN",
            "memo " + std::to_string(n),
            from_unix_micros(1000 + n),
            {{Channel::kSmtp, mail, mail, mail}},
            {{"phone", "1380000" + std::to_string(1000 + n)}, {"id_number", "ID" + std::to_string(n)}}};
  }
  TempDir dir_;
  std::unique_ptr<Registry> reg_;
  std::int64_t copy_ = 0;
};

TEST_F(BulkInsertTest, EveryRowLandsOnItsOwnCanaryAcrossStatementBoundaries) {
  // One canary first, so the batch's ids do not start at 1.
  auto first = reg_->insert_canary(person(0));
  ASSERT_TRUE(first) << first.status().message();
  // 150 canaries: two statements of 64 rows and one of 22; 150 triggers and 300 fingerprints.
  std::vector<NewCanary> batch;
  for (int n = 1; n <= 150; ++n) batch.push_back(person(n));
  std::vector<std::int64_t> ids;
  {
    Registry::Transaction tx(*reg_);
    ASSERT_TRUE(tx.begun().ok());
    auto got = reg_->insert_canaries(batch);
    ASSERT_TRUE(got) << got.status().message();
    ids = *got;
    std::vector<NewPlacement> placements;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      placements.push_back({ids[i], copy_, "sqlite:people.db", "persons", "row " + std::to_string(i + 1),
                            from_unix_micros(5000), 1150});
    }
    ASSERT_TRUE(reg_->insert_placements(placements).ok());
    ASSERT_TRUE(tx.commit().ok());
  }
  ASSERT_EQ(ids.size(), 150u);
  for (std::size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(ids[i], *first + 1 + static_cast<std::int64_t>(i));

  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto row = reg_->find_canary(ids[i]);
    ASSERT_TRUE(row && *row);
    const int n = static_cast<int>(i) + 1;
    EXPECT_EQ((*row)->memo, "memo " + std::to_string(n));
    EXPECT_EQ(to_unix_micros((*row)->created_at), 1000 + n);
    ASSERT_EQ((*row)->triggers.size(), 1u);
    EXPECT_EQ((*row)->triggers[0].value, "p" + std::to_string(n) + "@mail.example.net");
  }
  auto placed = reg_->placements_of(ids);
  ASSERT_TRUE(placed) << placed.status().message();
  ASSERT_EQ(placed->size(), 150u);
  std::map<std::int64_t, const PlacementRow*> by_canary;
  for (const auto& p : *placed) by_canary[p.canary_id] = &p;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    ASSERT_TRUE(by_canary.count(ids[i]));
    const PlacementRow& p = *by_canary[ids[i]];
    EXPECT_EQ(p.row_key, "row " + std::to_string(i + 1));
    EXPECT_EQ(p.table_name, "persons");
    // The placement's values are its own canary's: the e-mail and the ID, not a neighbour's.
    const std::string n = std::to_string(i + 1);
    EXPECT_NE(std::find(p.values.begin(), p.values.end(), "p" + n + "@mail.example.net"), p.values.end());
    EXPECT_NE(std::find(p.values.begin(), p.values.end(), "ID" + n), p.values.end());
  }
}

TEST_F(BulkInsertTest, ValuesAreSeenTakenFromASecondConnectionOnceCommitted) {
  std::vector<NewCanary> batch;
  for (int n = 1; n <= 70; ++n) batch.push_back(person(n));
  auto other = Registry::open(dir_ / "r.db", {});
  ASSERT_TRUE(other) << other.status().message();
  const FingerprintValue planted{"phone", "13800001070"};
  const FingerprintValue fresh{"phone", "13800009999"};
  const TriggerValue planted_mail{Channel::kSmtp, "p5@mail.example.net", "p5@mail.example.net", "p5@mail.example.net"};
  const TriggerValue fresh_mail{Channel::kSmtp, "q@mail.example.net", "q@mail.example.net", "q@mail.example.net"};
  {
    Registry::Transaction tx(*reg_);
    ASSERT_TRUE(tx.begun().ok());
    ASSERT_TRUE(reg_->insert_canaries(batch));
    // The writing connection sees its own rows; the other one only what is committed.
    auto mine = reg_->fingerprints_taken({&planted, &fresh});
    ASSERT_TRUE(mine);
    EXPECT_EQ(*mine, (std::vector<bool>{true, false}));
    auto theirs = (*other)->fingerprints_taken({&planted, &fresh});
    ASSERT_TRUE(theirs) << theirs.status().message();
    EXPECT_EQ(*theirs, (std::vector<bool>{false, false}));
    ASSERT_TRUE(tx.commit().ok());
  }
  auto prints = (*other)->fingerprints_taken({&fresh, &planted});
  ASSERT_TRUE(prints) << prints.status().message();
  EXPECT_EQ(*prints, (std::vector<bool>{false, true}));
  auto mails = (*other)->triggers_taken({&planted_mail, &fresh_mail});
  ASSERT_TRUE(mails) << mails.status().message();
  EXPECT_EQ(*mails, (std::vector<bool>{true, false}));
  // The look-ups left no read transaction open: the first connection can still write.
  auto more = reg_->insert_canary(person(500));
  EXPECT_TRUE(more) << more.status().message();
}

TEST_F(BulkInsertTest, BulkWritesOutsideATransactionAreRefused) {
  auto ids = reg_->insert_canaries({person(1)});
  ASSERT_FALSE(ids);
  EXPECT_EQ(ids.status().code(), Status::Code::kInternal);
  auto rows = reg_->list_canaries({});
  ASSERT_TRUE(rows);
  EXPECT_TRUE(rows->empty());
}

}  // namespace
}  // namespace canarytrap
