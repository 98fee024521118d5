#include <sstream>

#include "cli/cli_fixture.h"

namespace canarytrap::testing {
namespace {

using PlantCliTest = CliTest;

std::string big_csv(int rows) {
  std::string out = "xm,sfzh,sjhm,yx,bz\n";
  for (int i = 0; i < rows; ++i) {
    out += "name" + std::to_string(i) + ",1101051980010" + std::to_string(10000 + i) + ",1380000" +
           std::to_string(1000 + i % 9000) + ",u" + std::to_string(i) + "@x.cn,note " + std::to_string(i % 7) + "\n";
  }
  return out;
}

TEST_F(PlantCliTest, PlantListAndUnplant) {
  init();
  write_file(dir_ / "export.csv", big_csv(300));
  auto dry = ct({"plant", "--target", "file:export.csv", "--copy", "vendor-acme-export", "--count", "5", "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("sfzh  <- id_number"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("dry run"), std::string::npos);
  EXPECT_EQ(read_file(dir_ / "export.csv"), big_csv(300));

  auto planted = json_of(ct({"plant", "--target", "export.csv", "--copy", "vendor-acme-export", "--count", "7", "--json"}));
  EXPECT_EQ(planted["planted"], 7);
  EXPECT_EQ(planted["rows"].size(), 7u);

  auto listed = json_of(ct({"canaries", "--copy", "vendor-acme-export", "--json"}));
  ASSERT_EQ(listed.size(), 7u);
  for (const auto& c : listed) {
    EXPECT_EQ(c["kind"], "record");
    ASSERT_EQ(c["placements"].size(), 1u);
    EXPECT_EQ(c["placements"][0]["target"], "export.csv");
    EXPECT_TRUE(c["placements"][0]["retired_at"].is_null());
  }

  auto un = ct({"unplant", "--target", "export.csv", "--copy", "vendor-acme-export"});
  ASSERT_EQ(un.exit_code, 0) << un.err;
  EXPECT_NE(un.out.find("removed 7 rows"), std::string::npos) << un.out;
  EXPECT_EQ(read_file(dir_ / "export.csv"), big_csv(300));
  auto after = json_of(ct({"canaries", "--copy", "vendor-acme-export", "--json"}));
  EXPECT_FALSE(after[0]["placements"][0]["retired_at"].is_null());
}

TEST_F(PlantCliTest, UnplantKeepsPlacementsOfRowsItCannotFindUntilToldTheyAreGone) {
  init();
  write_file(dir_ / "export.csv", big_csv(100));
  ASSERT_EQ(ct({"plant", "--target", "export.csv", "--copy", "vendor", "--count", "3"}).exit_code, 0);
  write_file(dir_ / "export.csv", big_csv(100));  // the canary rows deleted by hand
  auto un = ct({"unplant", "--target", "export.csv", "--copy", "vendor"});
  ASSERT_EQ(un.exit_code, 0) << un.err;
  EXPECT_NE(un.out.find("removed 0 rows; retired 0 placements"), std::string::npos) << un.out;
  EXPECT_NE(un.out.find("3 planted rows were not found"), std::string::npos) << un.out;
  EXPECT_NE(un.out.find("--retire-missing"), std::string::npos) << un.out;
  for (const auto& c : json_of(ct({"canaries", "--copy", "vendor", "--json"}))) {
    EXPECT_TRUE(c["placements"][0]["retired_at"].is_null());
  }
  auto gone = json_of(ct({"unplant", "--target", "export.csv", "--copy", "vendor", "--retire-missing", "--json"}));
  EXPECT_EQ(gone["retired_placements"], 3);
  EXPECT_EQ(gone["not_found"], 0);
  for (const auto& c : json_of(ct({"canaries", "--copy", "vendor", "--json"}))) {
    EXPECT_FALSE(c["placements"][0]["retired_at"].is_null());
  }
}

TEST_F(PlantCliTest, DensityPlannerSaysWhatItPlants) {
  init();
  write_file(dir_ / "export.csv", big_csv(100));
  auto r = ct({"plant", "--target", "export.csv", "--copy", "c", "--sample-fraction", "0.5", "--confidence", "0.99",
               "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("7 canaries: a random sample of 0.5"), std::string::npos) << r.out;
}

TEST_F(PlantCliTest, WriteFailureMidPlantLeavesTheFileByteIdentical) {
  init();
  // Rows with a 5 KB notes column, which canary rows copy from their neighbours: 120 rows
  // stay under the 700 KiB file-size limit below, the staged copy with 30 more rows does
  // not, so its write fails half-way with EFBIG. The registry's own files stay small.
  std::string original = "xm,sfzh,sjhm,yx,notes\n";
  for (int i = 0; i < 120; ++i) {
    original += "name" + std::to_string(i) + ",1101051980010" + std::to_string(10000 + i) + ",1380000" +
                std::to_string(1000 + i) + ",u" + std::to_string(i) + "@x.cn," + std::string(5000, 'a' + i % 3) + "\n";
  }
  ASSERT_LT(original.size(), 700u * 1024);
  ASSERT_GT(original.size() + 30 * 5000, 700u * 1024);
  write_file(dir_ / "export.csv", original);
  auto r = run_process({"/bin/bash", "-c",
                        std::string("ulimit -f 700; exec '") + CANARYTRAP_BIN_FOR_TESTS +
                            "' plant --target export.csv --copy c --count 30"},
                       {dir_.path(), {}});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("cannot write"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(read_file(dir_ / "export.csv"), original);
  EXPECT_TRUE(json_of(ct({"canaries", "--json"})).empty());
  for (const auto& e : std::filesystem::directory_iterator(dir_.path())) {
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
  }
}

TEST_F(PlantCliTest, UsageAndRuntimeErrors) {
  init();
  write_file(dir_ / "export.csv", big_csv(10));
  expect_one_line_error(ct({"plant", "--target", "export.csv", "--copy", "c"}), 2, "--count");
  expect_one_line_error(ct({"plant", "--target", "export.csv", "--copy", "c", "--count", "1", "--map", "xm"}), 2,
                        "COLUMN=FIELD");
  expect_one_line_error(ct({"plant", "--target", "export.csv", "--copy", "c", "--count", "1", "--map", "nope=name"}), 2,
                        "no column 'nope'");
  expect_one_line_error(
      ct({"plant", "--target", "export.csv", "--copy", "c", "--sample-fraction", "2", "--confidence", "0.9"}), 2,
      "--sample-fraction");
  expect_one_line_error(ct({"plant", "--target", "missing.csv", "--copy", "c", "--count", "1"}), 1, "no such file");
  // Port 1 on loopback: nothing listens there.
  auto pg = ct({"plant", "--target", "postgresql://u:topsecret@127.0.0.1:1/db", "--table", "t", "--copy", "c", "--count", "1"});
  expect_one_line_error(pg, 1, "cannot connect");
  EXPECT_EQ(pg.err.find("topsecret"), std::string::npos);
  EXPECT_EQ(read_file(dir_ / "export.csv"), big_csv(10));
}

}  // namespace
}  // namespace canarytrap::testing
