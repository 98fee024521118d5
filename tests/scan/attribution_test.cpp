// What found canaries say: which copy, derived copies, ambiguity, dating, nothing found.
#include "canarytrap/scan/attribution.h"

#include <gtest/gtest.h>

#include <cmath>

namespace canarytrap {
namespace {

using namespace std::chrono_literals;

const TimePoint t0 = from_unix_micros(1'790'000'000'000'000);

// prod (id 1): canaries 1-100 planted at t0, 101-200 at t0+10d.
// backup (id 2): derived from prod at t0+5d; its own canaries 201-250 at t0+6d.
// vendor (id 3): canaries 301-340 at t0+2d; canary 1 also planted there (shared).
AttributionFacts facts() {
  AttributionFacts f;
  f.copies[1] = CopyRow{1, "prod", std::nullopt, std::nullopt, t0};
  f.copies[2] = CopyRow{2, "backup", 1, t0 + 5 * 24h, t0};
  f.copies[3] = CopyRow{3, "vendor", std::nullopt, std::nullopt, t0};
  const auto member = [&](std::int64_t canary, std::int64_t copy, TimePoint at, std::int64_t rows) {
    f.add({canary, copy, at, std::nullopt, rows});
  };
  for (int i = 1; i <= 100; ++i) member(i, 1, t0, 10000);
  for (int i = 101; i <= 200; ++i) member(i, 1, t0 + 10 * 24h, 10100);
  for (int i = 201; i <= 250; ++i) member(i, 2, t0 + 6 * 24h, 10050);
  for (int i = 301; i <= 340; ++i) member(i, 3, t0 + 2 * 24h, 4000);
  member(1, 3, t0 + 2 * 24h, 4000);
  return f;
}

TEST(AttributionTest, ExclusiveCanariesNameTheCopyAndDateTheTheft) {
  // Ten of prod's first batch, none of the second: taken between the two plantings.
  std::set<std::int64_t> found;
  for (int i = 11; i <= 20; ++i) found.insert(i);
  Attribution a = attribute(facts(), found, 1000);
  ASSERT_TRUE(a.copy);
  EXPECT_EQ(*a.copy, "prod");
  EXPECT_NE(a.verdict.find("sample of copy 'prod'"), std::string::npos) << a.verdict;
  ASSERT_TRUE(a.after && a.before);
  EXPECT_EQ(*a.after, t0);
  EXPECT_EQ(*a.before, t0 + 10 * 24h);
  EXPECT_EQ(a.absent_later, 100);
  EXPECT_DOUBLE_EQ(a.sample_fraction, 0.1);
  EXPECT_NEAR(a.absence_by_chance, std::pow(0.9, 100), 1e-12);
}

TEST(AttributionTest, ADerivedCopyExplainingEverythingIsTheOneNamed) {
  // Parent canaries from before the derivation and the backup's own: the backup leaked,
  // not prod and the backup both.
  std::set<std::int64_t> found{5, 50, 77, 210, 220};
  Attribution a = attribute(facts(), found, 500);
  ASSERT_TRUE(a.copy) << a.verdict;
  EXPECT_EQ(*a.copy, "backup");
  EXPECT_NE(a.verdict.find("inherited from 'prod'"), std::string::npos) << a.verdict;
  const CopyEvidence& backup = a.copies.front();
  EXPECT_EQ(backup.copy, "backup");
  EXPECT_EQ(backup.expected, 150);  // 100 inherited (planted before the derivation) + 50 own
  EXPECT_TRUE(backup.explains_all);
  EXPECT_EQ(*a.after, t0 + 6 * 24h);
  EXPECT_FALSE(a.before);  // nothing planted in the backup later
}

TEST(AttributionTest, CanariesOnlyTheParentHeldAfterTheDerivationAreNotTheChilds) {
  std::set<std::int64_t> found{150, 160};  // prod's second batch, after the backup was made
  Attribution a = attribute(facts(), found, 500);
  ASSERT_TRUE(a.copy);
  EXPECT_EQ(*a.copy, "prod");
}

TEST(AttributionTest, SharedCanariesAloneAreAmbiguous) {
  // Canary 1 was planted in prod and in vendor (and the backup inherited it): the two that
  // hold it themselves are the candidates.
  Attribution a = attribute(facts(), {1}, 500);
  EXPECT_FALSE(a.copy);
  EXPECT_EQ(a.candidates, (std::vector<std::string>{"prod", "vendor"}));
  EXPECT_NE(a.verdict.find("several copies"), std::string::npos) << a.verdict;
}

TEST(AttributionTest, CanariesOfUnrelatedCopiesAreAMerge) {
  Attribution a = attribute(facts(), {150, 301}, 500);
  EXPECT_FALSE(a.copy);
  EXPECT_NE(a.verdict.find("no single copy"), std::string::npos) << a.verdict;
}

TEST(AttributionTest, NothingFoundGivesTheChanceOfThatPerCopy) {
  Attribution a = attribute(facts(), {}, 1000);
  EXPECT_EQ(a.canaries_found, 0);
  ASSERT_EQ(a.none_found.size(), 3u);
  for (const auto& n : a.none_found) {
    if (n.copy == "vendor") {
      EXPECT_EQ(n.canaries, 41);
      EXPECT_DOUBLE_EQ(n.fraction, 0.25);
      EXPECT_NEAR(n.probability, std::pow(0.75, 41), 1e-15);
    }
    if (n.copy == "backup") {
      EXPECT_EQ(n.canaries, 150);
      ASSERT_TRUE(n.rows);
      EXPECT_EQ(*n.rows, 10050);
    }
  }
  EXPECT_NE(a.verdict.find("no canary found"), std::string::npos);
}

}  // namespace
}  // namespace canarytrap
