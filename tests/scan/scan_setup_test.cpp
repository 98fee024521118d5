// ScanSetup: the index and the attribution facts loaded side by side from one registry.
#include "canarytrap/scan/scan_setup.h"

#include <gtest/gtest.h>

#include <set>

#include "canarytrap/store/mint.h"
#include "support/temp_dir.h"

namespace canarytrap {
namespace {

TEST(ScanSetupTest, LoadsTheIndexAndEveryMembership) {
  testing::TempDir dir;
  const auto path = dir / "r.db";
  TriggerMinter minter({"canary.example.net", {"mail.example.net"}, "http"});
  std::string prod_email, loose_email;
  std::int64_t prod_id = 0, prod_canary = 0, loose_canary = 0;
  {
    auto reg = Registry::open(path, {.create_if_missing = true});
    ASSERT_TRUE(reg) << reg.status().message();
    // Minted for a copy and never planted: a member of "prod" all the same.
    auto prod = mint_canaries(**reg, minter, {CanaryKind::kSmtp, std::string("prod"), "", 1}, system_clock());
    ASSERT_TRUE(prod) << prod.status().message();
    prod_email = (*prod)[0].primary()->value;
    prod_canary = (*prod)[0].id;
    auto loose = mint_canaries(**reg, minter, {CanaryKind::kSmtp, std::nullopt, "", 1}, system_clock());
    ASSERT_TRUE(loose) << loose.status().message();
    loose_email = (*loose)[0].primary()->value;
    loose_canary = (*loose)[0].id;
    auto copies = (*reg)->list_copies();
    ASSERT_TRUE(copies);
    for (const auto& c : *copies) {
      if (c.name == "prod") prod_id = c.id;
    }
  }
  ASSERT_NE(prod_id, 0);

  auto setup = ScanSetup::load(path);
  ASSERT_TRUE(setup) << setup.status().message();
  EXPECT_TRUE(setup->index.contains(NeedleIndex::hash(NeedleKind::kEmail, prod_email)));
  EXPECT_TRUE(setup->index.contains(NeedleIndex::hash(NeedleKind::kEmail, loose_email)));
  EXPECT_EQ(setup->facts.copies_of(prod_canary), std::vector<std::int64_t>{prod_id});
  EXPECT_TRUE(setup->facts.copies_of(loose_canary).empty());
  EXPECT_GE(setup->load_seconds, 0.0);
}

// A canary with placements counts where it was placed, once each; its minting copy counts
// only while it was never placed.
TEST(ScanSetupTest, PlacementsOutweighTheMintingCopy) {
  testing::TempDir dir;
  const auto path = dir / "r.db";
  TriggerMinter minter({"canary.example.net", {"mail.example.net"}, "http"});
  std::vector<std::int64_t> ids;
  std::int64_t backup = 0, prod = 0;
  {
    auto reg = Registry::open(path, {.create_if_missing = true});
    ASSERT_TRUE(reg);
    auto minted = mint_canaries(**reg, minter, {CanaryKind::kSmtp, std::string("backup"), "", 3}, system_clock());
    ASSERT_TRUE(minted) << minted.status().message();
    for (const auto& c : *minted) ids.push_back(c.id);
    ASSERT_TRUE(mint_canaries(**reg, minter, {CanaryKind::kDns, std::string("prod"), "", 1}, system_clock()));
    auto copies = (*reg)->list_copies();
    ASSERT_TRUE(copies);
    for (const auto& c : *copies) (c.name == "backup" ? backup : prod) = c.id;
    const TimePoint at = system_clock().now();
    ASSERT_TRUE((*reg)->insert_placement({ids[0], backup, "file:/tmp/x.csv", "", "line 2", at}));
    ASSERT_TRUE((*reg)->insert_placement({ids[1], prod, "file:/tmp/y.csv", "", "line 3", at}));
  }
  auto setup = ScanSetup::load(path);
  ASSERT_TRUE(setup) << setup.status().message();
  const auto members = [&](std::int64_t copy) {
    std::multiset<std::int64_t> out;
    for (const auto& m : setup->facts.by_copy.at(copy)) out.insert(m.canary);
    return out;
  };
  EXPECT_EQ(members(backup), (std::multiset<std::int64_t>{ids[0], ids[2]}));
  EXPECT_EQ(members(prod).count(ids[1]), 1u);
  EXPECT_EQ(members(prod).size(), 2u);  // and prod's own minted dns canary
  EXPECT_EQ(setup->facts.copies_of(ids[1]), std::vector<std::int64_t>{prod});
}

TEST(ScanSetupTest, AMissingRegistryIsOneError) {
  testing::TempDir dir;
  auto setup = ScanSetup::load(dir / "absent.db");
  ASSERT_FALSE(setup);
  EXPECT_NE(setup.status().message().find("absent.db"), std::string::npos) << setup.status().message();
  EXPECT_FALSE(std::filesystem::exists(dir / "absent.db"));
}

}  // namespace
}  // namespace canarytrap
