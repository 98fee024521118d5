#include <set>
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

// Column `column` of every CSV row after the header, in a multiset's counts: how many rows
// repeat an earlier row's value. (en_US values hold no commas but in quoted addresses, which
// come after the SSN and phone and before e-mail and card: count columns from the end.)
int repeated_from_end(const std::string& csv, std::size_t column_from_end) {
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  std::set<std::string> seen;
  int repeated = 0;
  while (std::getline(in, line)) {
    std::size_t end = line.size();
    for (std::size_t i = 0; i < column_from_end; ++i) end = line.rfind(',', end - 1);
    const std::size_t start = line.rfind(',', end - 1) + 1;
    repeated += !seen.insert(line.substr(start, end - start)).second;
  }
  return repeated;
}

TEST_F(FakeCliTest, NoEmailOrCardRepeatsUnlessAllowed) {
  // en_US columns end ...,email,card_number,photo_url.
  auto distinct = ct({"fake", "--locale", "en_US", "--count", "100000", "--seed", "3"});
  ASSERT_EQ(distinct.exit_code, 0) << distinct.err;
  EXPECT_EQ(repeated_from_end(distinct.out, 2), 0);  // email
  EXPECT_EQ(repeated_from_end(distinct.out, 1), 0);  // card_number
  auto repeats = ct({"fake", "--locale", "en_US", "--count", "100000", "--seed", "3", "--allow-repeats"});
  ASSERT_EQ(repeats.exit_code, 0) << repeats.err;
  EXPECT_GT(repeated_from_end(repeats.out, 2), 100);
}

TEST_F(FakeCliTest, NoIdPhoneOrEmailRepeatsInAZhCnRun) {
  // zh_CN columns end ...,id_number,phone,email,photo_url; no value holds a comma.
  auto r = ct({"fake", "--locale", "zh_CN", "--count", "200000", "--seed", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (std::size_t column : {3u, 2u, 1u}) EXPECT_EQ(repeated_from_end(r.out, column), 0) << column;
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
