#include "cli/cli_fixture.h"

namespace canarytrap::testing {
namespace {

using ConfigCliTest = CliTest;

TEST_F(ConfigCliTest, ConfigFileIsFoundByFlagThenEnvironmentThenWorkingDirectory) {
  ASSERT_EQ(ct({"init", "--dir", "a", "--zone", "a.example.net"}).exit_code, 0);
  ASSERT_EQ(ct({"init", "--dir", "b", "--zone", "b.example.net"}).exit_code, 0);
  auto by_env = ct({"mint", "--kind", "dns"}, {{"CANARYTRAP_CONFIG", "a/canarytrap.toml"}});
  ASSERT_EQ(by_env.exit_code, 0) << by_env.err;
  EXPECT_NE(by_env.out.find(".a.example.net"), std::string::npos);
  auto by_flag = ct({"--config", "b/canarytrap.toml", "mint", "--kind", "dns"}, {{"CANARYTRAP_CONFIG", "a/canarytrap.toml"}});
  ASSERT_EQ(by_flag.exit_code, 0) << by_flag.err;
  EXPECT_NE(by_flag.out.find(".b.example.net"), std::string::npos);
  // The flag also works after the subcommand.
  auto after = ct({"mint", "--kind", "dns", "--config", "b/canarytrap.toml"});
  ASSERT_EQ(after.exit_code, 0) << after.err;
  EXPECT_NE(after.out.find(".b.example.net"), std::string::npos);
}

TEST_F(ConfigCliTest, EnvironmentOverridesTheFileAndFlagsOverrideTheEnvironment) {
  init();
  auto env = ct({"mint", "--kind", "dns"}, {{"CANARYTRAP_DNS_ZONE", "env.example.org"}});
  ASSERT_EQ(env.exit_code, 0) << env.err;
  EXPECT_NE(env.out.find(".env.example.org"), std::string::npos) << env.out;

  auto env_scheme = json_of(ct({"mint", "--kind", "http", "--json"}, {{"CANARYTRAP_MINT_URL_SCHEME", "https"}}));
  EXPECT_EQ(env_scheme[0]["value"].get<std::string>().rfind("https://", 0), 0u);

  // log.format: file says text, env says json, flag says text -> text.
  auto flag = ct({"mint", "--kind", "dns", "--log-format", "text"}, {{"CANARYTRAP_LOG_FORMAT", "json"}});
  ASSERT_EQ(flag.exit_code, 0);
  EXPECT_EQ(flag.err.rfind("canarytrap: ", 0), 0u) << flag.err;
  auto env_only = ct({"mint", "--kind", "dns"}, {{"CANARYTRAP_LOG_FORMAT", "json"}});
  ASSERT_EQ(env_only.exit_code, 0);
  EXPECT_EQ(env_only.err.rfind("{", 0), 0u) << env_only.err;
}

TEST_F(ConfigCliTest, BadEnvironmentValueIsOneLineNamingTheKey) {
  init();
  expect_one_line_error(ct({"mint", "--kind", "dns"}, {{"CANARYTRAP_DNS_ZONE", "not a zone"}}), 1, "dns.zone");
  auto typo = ct({"mint", "--kind", "dns"}, {{"CANARYTRAP_DNS_ZONEE", "x"}});
  EXPECT_EQ(typo.exit_code, 0);
  EXPECT_NE(typo.err.find("CANARYTRAP_DNS_ZONEE"), std::string::npos);
}

TEST_F(ConfigCliTest, BrokenConfigFileIsOneLine) {
  write_file(dir_ / "canarytrap.toml", "[dns]\nzone = \"a.example.net\"\nmail_domains = [\"m.example.net\"]\nbogus = 1\n");
  expect_one_line_error(ct({"canaries"}), 1, "dns.bogus");
}

}  // namespace
}  // namespace canarytrap::testing
