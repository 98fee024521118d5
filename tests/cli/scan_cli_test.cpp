// `canarytrap scan` and `copies derive` as a user runs them: standard input, unreadable
// inputs, --record turning finds into hits and incidents, lineage refusals.
#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

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

// The fields of one CSV line (quoted fields may hold commas; no quotes inside them here).
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

// en_US people planted with their name in one column, leaked as a US export writes them: the
// last name first in one column, or first and last names in columns of their own, the birth
// date as M/D/Y, the SSN with dashes. Every canary is found by its SSN and by its name and
// birth date (two kinds: found, not a weak match), also on the second scan, from the index
// cache.
TEST_F(ScanCliTest, UsNamesInTwoColumnsOrLastNameFirst) {
  auto fake = ct({"fake", "--locale", "en_US", "--count", "200", "--seed", "5"});
  ASSERT_EQ(fake.exit_code, 0) << fake.err;
  std::ofstream(dir_ / "us.csv") << fake.out;
  auto plant = ct({"plant", "--target", "file:us.csv", "--copy", "us-vendor", "--count", "20", "--locale", "en_US"});
  ASSERT_EQ(plant.exit_code, 0) << plant.err;
  std::ifstream in(dir_ / "us.csv");
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = csv_fields(line);
  const auto column = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  const std::size_t first = column("first_name"), last = column("last_name"), dob = column("birth_date"),
                    ssn = column("ssn");
  ASSERT_LT(std::max({first, last, dob, ssn}), header.size());
  std::ofstream last_first(dir_ / "last_first.csv"), columns(dir_ / "columns.tsv");
  last_first << "NAME,DOB,SSN\n";
  columns << "first\tlast\tbirth\tssn\n";
  int rows = 0;
  while (std::getline(in, line)) {
    const auto f = csv_fields(line);
    ASSERT_EQ(f.size(), header.size()) << line;
    const std::string us_date = f[dob].substr(5, 2) + "/" + f[dob].substr(8, 2) + "/" + f[dob].substr(0, 4);
    std::string upper = f[last] + ", " + f[first];
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    last_first << '"' << upper << "\"," << us_date << ',' << f[ssn] << '\n';
    columns << f[first] << '\t' << f[last] << '\t' << f[dob] << '\t' << f[ssn] << '\n';
    ++rows;
  }
  ASSERT_EQ(rows, 220);
  last_first.close();
  columns.close();
  for (int pass = 0; pass < 2; ++pass) {
    auto scan = ct({"scan", "--json", "last_first.csv", "columns.tsv"});
    ASSERT_EQ(scan.exit_code, 0) << scan.err;
    auto j = nlohmann::json::parse(scan.out);
    for (const auto& file : j["files"]) {
      EXPECT_EQ(file["canaries_found"], 20) << file["path"] << " pass " << pass;
      EXPECT_EQ(file["copy"], "us-vendor");
      std::set<std::int64_t> dated;
      for (const auto& m : file["matches"]) {
        if (m["kind"] == "name_dob") dated.insert(m["canary_id"].get<std::int64_t>());
      }
      EXPECT_EQ(dated.size(), 20u) << file["path"] << " pass " << pass;
    }
  }
}

// A table with a first and a last name column but no whole name: its canaries' name and birth
// date are fingerprints all the same, so that a leak of those columns and the SSN (two kinds
// of value, no trigger) finds them.
TEST_F(ScanCliTest, FirstAndLastNameColumnsArePlantedAsNameAndBirthDate) {
  auto fake = ct({"fake", "--locale", "en_US", "--count", "100", "--seed", "6"});
  ASSERT_EQ(fake.exit_code, 0) << fake.err;
  std::istringstream people(fake.out);
  std::string line;
  std::getline(people, line);
  const std::vector<std::string> header = csv_fields(line);
  const auto column = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  std::ofstream table(dir_ / "split.csv");
  table << "first_name,last_name,dob,ssn,email\n";
  while (std::getline(people, line)) {
    const auto f = csv_fields(line);
    table << f[column("first_name")] << ',' << f[column("last_name")] << ',' << f[column("birth_date")] << ','
          << f[column("ssn")] << ',' << f[column("email")] << '\n';
  }
  table.close();
  auto plant = ct({"plant", "--target", "file:split.csv", "--copy", "crm", "--count", "10", "--locale", "en_US"});
  ASSERT_EQ(plant.exit_code, 0) << plant.err;
  // The leak: every column but the e-mail address (a trigger value on its own).
  std::ifstream planted(dir_ / "split.csv");
  std::ofstream leak(dir_ / "leak.csv");
  while (std::getline(planted, line)) leak << line.substr(0, line.rfind(',')) << '\n';
  leak.close();
  auto scan = ct({"scan", "--json", "leak.csv"});
  ASSERT_EQ(scan.exit_code, 0) << scan.err;
  auto j = nlohmann::json::parse(scan.out);
  EXPECT_EQ(j["files"][0]["canaries_found"], 10);
  EXPECT_EQ(j["files"][0]["copy"], "crm");
}

}  // namespace
}  // namespace canarytrap::testing
