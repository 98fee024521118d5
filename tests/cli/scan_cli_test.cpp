// `canarytrap scan` and `copies derive` as a user runs them: standard input, unreadable
// inputs, --record turning finds into hits and incidents, lineage refusals.
#include <fstream>

#include "cli/cli_fixture.h"

namespace canarytrap::testing {
namespace {

class ScanCliTest : public CliTest {
 protected:
  void SetUp() override {
    init();
    auto fake = ct({"fake", "--locale", "zh_CN", "--count", "200", "--seed", "3"});
    ASSERT_EQ(fake.exit_code, 0) << fake.err;
    std::ofstream(dir_ / "people.csv") << fake.out;
    auto plant = ct({"plant", "--target", "file:people.csv", "--copy", "prod", "--count", "20"});
    ASSERT_EQ(plant.exit_code, 0) << plant.err;
  }
  std::string read(const std::string& name) {
    std::ifstream in(dir_ / name);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
};

TEST_F(ScanCliTest, StandardInputAndUnreadableFiles) {
  auto piped = run_process({"/bin/sh", "-c", "'" + std::string(CANARYTRAP_BIN_FOR_TESTS) + "' scan --json - < people.csv"},
                           {dir_.path(), {}});
  ASSERT_EQ(piped.exit_code, 0) << piped.err;
  auto j = nlohmann::json::parse(piped.out);
  EXPECT_EQ(j["files"][0]["path"], "-");
  EXPECT_EQ(j["files"][0]["canaries_found"], 20);
  EXPECT_EQ(j["files"][0]["copy"], "prod");

  auto mixed = ct({"scan", "missing.csv", "people.csv"});
  EXPECT_EQ(mixed.exit_code, 1);
  EXPECT_NE(mixed.err.find("missing.csv: No such file or directory"), std::string::npos) << mixed.err;
  EXPECT_EQ(mixed.err.find('\n'), mixed.err.size() - 1) << mixed.err;  // one line
  EXPECT_NE(mixed.out.find("people.csv: 20 canaries found"), std::string::npos) << mixed.out;
}

TEST_F(ScanCliTest, RecordTurnsFindsIntoHitsAndAnIncident) {
  auto r = ct({"scan", "--record", "people.csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto hits = json_of(ct({"hits", "--json"}));
  ASSERT_EQ(hits.size(), 20u);
  for (const auto& h : hits) {
    EXPECT_EQ(h["channel"], "scan");
    EXPECT_EQ(h["details"]["file"], "people.csv");
    EXPECT_EQ(h["details"]["sha256"].get<std::string>().size(), 64u);
  }
  auto incidents = json_of(ct({"incidents", "--json"}));
  ASSERT_EQ(incidents.size(), 1u);
  EXPECT_EQ(incidents[0]["copy"], "prod");
  EXPECT_EQ(incidents[0]["hits"], 20);
}

TEST_F(ScanCliTest, CopiesDeriveRecordsLineageAndRefusesLoops) {
  auto d = ct({"copies", "derive", "backup", "--from", "prod", "--at", "2026-11-01"});
  ASSERT_EQ(d.exit_code, 0) << d.err;
  auto copies = json_of(ct({"copies", "--json"}));
  bool seen = false;
  for (const auto& c : copies) {
    if (c["name"] == "backup") {
      seen = true;
      EXPECT_EQ(c["derived_from"], "prod");
      EXPECT_EQ(c["derived_at"].get<std::string>().substr(0, 10), "2026-11-01");
    }
  }
  EXPECT_TRUE(seen);
  expect_one_line_error(ct({"copies", "derive", "prod", "--from", "backup"}), 1, "loop");
  expect_one_line_error(ct({"copies", "derive", "x", "--from", "nope"}), 1, "no copy named 'nope'");
  // Canaries planted in prod before the derivation are the backup's too... none were (the
  // plant was after 2026-11-01), so a scan of prod's file names prod alone.
  auto scan = nlohmann::json::parse(ct({"scan", "--json", "people.csv"}).out);
  EXPECT_EQ(scan["files"][0]["copy"], "prod");
}

}  // namespace
}  // namespace canarytrap::testing
