#include <gtest/gtest.h>

#include <map>

#include "canarytrap/store/mint.h"
#include "support/temp_dir.h"

namespace canarytrap {
namespace {

using testing::TempDir;
using namespace std::chrono_literals;

class IncidentsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = Registry::open(dir_ / "r.db", {.create_if_missing = true});
    ASSERT_TRUE(r) << r.status().message();
    reg_ = std::move(*r);
  }
  std::int64_t mint(const std::string& copy) {
    auto m = mint_canaries(*reg_, minter_, {CanaryKind::kDns, copy, "", 1}, system_clock());
    EXPECT_TRUE(m) << m.status().message();
    return (*m)[0].id;
  }
  NewHit hit(std::int64_t canary, TimePoint at, bool automated = false) {
    NewHit h;
    h.canary_id = canary;
    h.channel = "dns";
    h.at = at;
    h.source = "198.51.100.7:53";
    h.automated = automated;
    if (automated) h.automated_reason = "test";
    return h;
  }
  std::map<std::string, std::vector<IncidentRow>> by_copy() {
    auto rows = reg_->list_incidents(100);
    EXPECT_TRUE(rows) << rows.status().message();
    std::map<std::string, std::vector<IncidentRow>> m;
    for (auto& r : *rows) m[r.copy].push_back(r);
    return m;
  }

  TempDir dir_;
  TriggerMinter minter_{{"canary.example.net", {"mail.example.net"}, "http"}};
  std::unique_ptr<Registry> reg_;
  const TimePoint t0 = from_unix_micros(1'795'548'183'000'000);
};

TEST_F(IncidentsTest, HitsGroupPerCopyWithinTheQuietWindow) {
  const std::int64_t x = mint("prod-db");
  const std::int64_t y = mint("prod-db");
  // y was also planted into the vendor export: its hits belong to both copies.
  auto vendor = reg_->ensure_copy("vendor-acme-export", t0);
  ASSERT_TRUE(vendor);
  ASSERT_TRUE(reg_->insert_placement({y, vendor->id, "file:export.csv", "", "12", t0}));

  ASSERT_TRUE(reg_->insert_hits({hit(x, t0)}, 24h).ok());
  ASSERT_TRUE(reg_->insert_hits({hit(y, t0 + 1h, true), hit(x, t0 + 2h)}, 24h).ok());
  auto m = by_copy();
  ASSERT_EQ(m["prod-db"].size(), 1u);
  EXPECT_EQ(m["prod-db"][0].hits, 3);
  EXPECT_EQ(m["prod-db"][0].canaries, 2);
  EXPECT_EQ(m["prod-db"][0].confidence, "high");
  EXPECT_EQ(format_time(m["prod-db"][0].opened_at), format_time(t0));
  EXPECT_EQ(format_time(m["prod-db"][0].last_hit_at), format_time(t0 + 2h));
  ASSERT_EQ(m["vendor-acme-export"].size(), 1u);
  EXPECT_EQ(m["vendor-acme-export"][0].hits, 1);
  EXPECT_EQ(m["vendor-acme-export"][0].confidence, "low");  // only automated hits so far
  EXPECT_EQ(m["vendor-acme-export"][0].channels, std::vector<std::string>{"dns"});

  // A person, not a machine: the vendor incident becomes high-confidence.
  ASSERT_TRUE(reg_->insert_hits({hit(y, t0 + 3h)}, 24h).ok());
  EXPECT_EQ(by_copy()["vendor-acme-export"][0].confidence, "high");

  // Past the quiet window: a new incident.
  ASSERT_TRUE(reg_->insert_hits({hit(x, t0 + 30h)}, 24h).ok());
  m = by_copy();
  ASSERT_EQ(m["prod-db"].size(), 2u);
  EXPECT_EQ(m["prod-db"][0].hits, 1);  // newest first
  EXPECT_EQ(m["vendor-acme-export"].size(), 1u);
}

TEST_F(IncidentsTest, RetiredPlacementsAndUncopiedCanariesOpenNone) {
  auto free_canary = mint_canaries(*reg_, minter_, {CanaryKind::kDns, std::nullopt, "", 1}, system_clock());
  ASSERT_TRUE(free_canary);
  const std::int64_t lone = (*free_canary)[0].id;
  auto copy = reg_->ensure_copy("old-backup", t0);
  ASSERT_TRUE(copy);
  auto placed = reg_->insert_placement({lone, copy->id, "file:b.csv", "", "1", t0});
  ASSERT_TRUE(placed);
  ASSERT_TRUE(reg_->retire_placements({*placed}, t0 + 1h).ok());
  ASSERT_TRUE(reg_->insert_hits({hit(lone, t0 + 2h)}, 24h).ok());
  EXPECT_TRUE(reg_->list_incidents(10)->empty());
  EXPECT_EQ(reg_->list_hits({})->size(), 1u);  // the hit itself is kept
}

}  // namespace
}  // namespace canarytrap
