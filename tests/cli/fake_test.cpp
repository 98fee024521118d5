#include <sstream>

#include "canarytrap/fake/validators.h"
#include "cli/cli_fixture.h"

namespace canarytrap::testing {
namespace {

using FakeCliTest = CliTest;

TEST_F(FakeCliTest, CsvNeedsNoConfigAndHasAHeader) {
  auto r = ct({"fake", "--locale", "zh_CN", "--count", "50", "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream in(r.out);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "name,gender,birth_date,ethnicity,province,city,district,address,id_number,phone,email,photo_url");
  int rows = 0;
  while (std::getline(in, line)) {
    ++rows;
    // id_number is the 9th column; no zh_CN value holds a comma.
    std::istringstream cols(line);
    std::string col;
    for (int i = 0; i < 9; ++i) std::getline(cols, col, ',');
    EXPECT_TRUE(validate_resident_id(col, 2100, 1, 1).ok()) << col;
  }
  EXPECT_EQ(rows, 50);
  EXPECT_TRUE(std::filesystem::is_empty(dir_.path()));  // registered nothing, wrote nothing
}

TEST_F(FakeCliTest, SeedIsReproducibleAndJsonlParses) {
  auto a = ct({"fake", "--locale", "en_US", "--count", "20", "--format", "jsonl", "--seed", "5", "--mail-domain",
               "mail.example.net"});
  auto b = ct({"fake", "--locale", "en_US", "--count", "20", "--format", "jsonl", "--seed", "5", "--mail-domain",
               "mail.example.net"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
  std::istringstream in(a.out);
  int rows = 0;
  for (std::string line; std::getline(in, line); ++rows) {
    auto j = nlohmann::json::parse(line);
    EXPECT_NE(j["email"].get<std::string>().find("@mail.example.net"), std::string::npos);
    EXPECT_TRUE(validate_ssn(j["ssn"].get<std::string>()).ok());
  }
  EXPECT_EQ(rows, 20);
}

TEST_F(FakeCliTest, BadArgumentsAreUsageErrors) {
  expect_one_line_error(ct({"fake", "--locale", "fr_FR"}), 2, "fr_FR");
  expect_one_line_error(ct({"fake", "--format", "xml"}), 2, "--format");
  expect_one_line_error(ct({"fake", "--count", "0"}), 2, "--count");
  expect_one_line_error(ct({"fake", "--seed", "-1"}), 2, "--seed");
  expect_one_line_error(ct({"fake", "--seed", "12abc"}), 2, "--seed");
  expect_one_line_error(ct({"fake", "--mail-domain", "bad domain"}), 2, "--mail-domain");
}

TEST_F(FakeCliTest, ClosedPipeEndsQuietly) {
  auto r = run_process({"/bin/sh", "-c", std::string("'") + CANARYTRAP_BIN_FOR_TESTS + "' fake --count 5000000 | head -3"},
                       {dir_.path(), {}});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 3);
}

}  // namespace
}  // namespace canarytrap::testing
