#include <regex>
#include <sstream>
#include <set>

#include "canarytrap/core/value_mark.h"
#include "canarytrap/store/registry.h"
#include "cli/cli_fixture.h"

namespace canarytrap::testing {
namespace {

using MintCliTest = CliTest;

TEST_F(MintCliTest, ThousandDistinctDnsNamesUnderTheZone) {
  init();
  auto j = json_of(ct({"mint", "--kind", "dns", "--count", "1000", "--json"}));
  ASSERT_EQ(j.size(), 1000u);
  std::set<std::string> values;
  const std::regex under_zone(R"([a-z][a-z0-9]{16}\.canary\.example\.net)");
  for (const auto& c : j) {
    const std::string v = c["value"];
    EXPECT_TRUE(std::regex_match(v, under_zone)) << v;
    values.insert(v);
  }
  EXPECT_EQ(values.size(), 1000u);
  // Each label carries the registry's value mark: the scanner looks up only look-alikes that do.
  auto reg = Registry::open(dir_ / "canarytrap.db", {});
  ASSERT_TRUE(reg) << reg.status().message();
  const ValueMark mark(*(*reg)->value_mark_key());
  for (const std::string& v : values) EXPECT_TRUE(mark.carries(ScanKind::kToken, v.substr(0, v.find('.')))) << v;
}

TEST_F(MintCliTest, EachKindPrintsItsValues) {
  init();
  auto smtp = ct({"mint", "--kind", "smtp", "--count", "5"});
  ASSERT_EQ(smtp.exit_code, 0) << smtp.err;
  const std::regex addr(R"([a-z0-9._]+@mail\.example\.net)");
  int lines = 0;
  std::istringstream in(smtp.out);
  for (std::string line; std::getline(in, line); ++lines) EXPECT_TRUE(std::regex_match(line, addr)) << line;
  EXPECT_EQ(lines, 5);

  auto http = json_of(ct({"mint", "--kind", "http", "--count", "2", "--json"}));
  for (const auto& c : http) {
    const std::string url = c["value"];
    EXPECT_EQ(url.rfind("http://", 0), 0u) << url;
    ASSERT_EQ(c["triggers"].size(), 2u);
    EXPECT_EQ(c["triggers"][1]["channel"], "dns");
  }

  auto record = ct({"mint", "--kind", "record"});
  ASSERT_EQ(record.exit_code, 0) << record.err;
  EXPECT_NE(record.out.find("@mail.example.net\thttp://"), std::string::npos) << record.out;
}

TEST_F(MintCliTest, CanariesListsWhatWasMinted) {
  init();
  ASSERT_EQ(ct({"mint", "--kind", "dns", "--copy", "prod-db", "--memo", "orders table", "--count", "2"}).exit_code, 0);
  ASSERT_EQ(ct({"mint", "--kind", "smtp", "--copy", "vendor-acme-export"}).exit_code, 0);
  ASSERT_EQ(ct({"mint", "--kind", "http"}).exit_code, 0);

  auto all = json_of(ct({"canaries", "--json"}));
  ASSERT_EQ(all.size(), 4u);
  for (const auto& c : all) {
    for (const char* field : {"id", "kind", "value", "copy", "memo", "created_at"}) {
      EXPECT_TRUE(c.contains(field)) << field << " in " << c.dump();
    }
    EXPECT_TRUE(std::regex_match(c["created_at"].get<std::string>(),
                                 std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?Z)")));
  }
  EXPECT_EQ(all[0]["copy"], "prod-db");
  EXPECT_EQ(all[0]["memo"], "orders table");
  EXPECT_TRUE(all[3]["copy"].is_null());

  auto prod = json_of(ct({"canaries", "--copy", "prod-db", "--json"}));
  EXPECT_EQ(prod.size(), 2u);
  auto smtp = json_of(ct({"canaries", "--kind", "smtp", "--json"}));
  ASSERT_EQ(smtp.size(), 1u);
  EXPECT_EQ(smtp[0]["copy"], "vendor-acme-export");

  auto table = ct({"canaries"});
  ASSERT_EQ(table.exit_code, 0);
  EXPECT_NE(table.out.find("orders table"), std::string::npos);
  EXPECT_NE(table.out.find("vendor-acme-export"), std::string::npos);

  auto copies = json_of(ct({"copies", "--json"}));
  ASSERT_EQ(copies.size(), 2u);
  EXPECT_EQ(copies[0]["name"], "prod-db");
}

TEST_F(MintCliTest, UsageErrorsExitTwoAndChangeNothing) {
  init();
  expect_one_line_error(ct({"mint", "--kind", "ftp"}), 2, "--kind");
  expect_one_line_error(ct({"mint"}), 2, "--kind");
  expect_one_line_error(ct({"mint", "--kind", "dns", "--count", "-5"}), 2, "--count");
  expect_one_line_error(ct({"mint", "--kind", "dns", "--count", "0"}), 2, "--count");
  expect_one_line_error(ct({"mint", "--kind", "dns", "--count", "ten"}), 2, "--count");
  expect_one_line_error(ct({"canaries", "--kind", "ftp"}), 2, "--kind");
  EXPECT_TRUE(json_of(ct({"canaries", "--json"})).empty());
}

TEST_F(MintCliTest, RuntimeErrorsExitOne) {
  expect_one_line_error(ct({"mint", "--kind", "dns"}), 1, "canarytrap init");
  expect_one_line_error(ct({"canaries"}), 1, "canarytrap.toml");
  init();
  expect_one_line_error(ct({"canaries", "--copy", "nope"}), 1, "nope");
  write_file(dir_ / "junk.db", "definitely not sqlite; just text that fills up the header page of a database");
  expect_one_line_error(ct({"canaries", "--registry", "junk.db"}), 1, "not an SQLite database");
  expect_one_line_error(ct({"mint", "--kind", "dns", "--registry", "absent.db"}), 1, "absent.db");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "absent.db"));
}

TEST_F(MintCliTest, JsonLoggingIsOneObjectPerLine) {
  init();
  auto r = ct({"mint", "--kind", "dns", "--log-format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto log = nlohmann::json::parse(r.err);
  EXPECT_EQ(log["level"], "info");
  EXPECT_NE(log["msg"].get<std::string>().find("minted 1 dns canary"), std::string::npos);
  auto bad = ct({"canaries", "--copy", "nope", "--log-format", "json"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(nlohmann::json::parse(bad.err)["level"], "error");
}

}  // namespace
}  // namespace canarytrap::testing
