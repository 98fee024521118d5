#include "canarytrap/core/config.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace canarytrap {
namespace {

using testing::TempDir;
using testing::write_file;

class ConfigTest : public ::testing::Test {
 protected:
  std::filesystem::path write_config(const std::string& extra = "") {
    const auto file = dir_ / "canarytrap.toml";
    write_file(file, render_config({"canary.example.net", {"mail.example.net"}, {"192.0.2.1"}}) + extra);
    return file;
  }
  TempDir dir_;
};

TEST_F(ConfigTest, RenderedConfigLoadsBack) {
  auto cfg = load_config(write_config(), {}, {});
  ASSERT_TRUE(cfg) << cfg.status().message();
  EXPECT_EQ(cfg->zone, "canary.example.net");
  EXPECT_EQ(cfg->mail_domains, std::vector<std::string>{"mail.example.net"});
  EXPECT_EQ(cfg->public_ips, std::vector<std::string>{"192.0.2.1"});
  EXPECT_EQ(cfg->listen_dns, "127.0.0.1:5353");
  EXPECT_EQ(cfg->listen_https, "");
  EXPECT_EQ(cfg->log_format, "text");
  // Relative paths are relative to the file's directory, not the working directory.
  EXPECT_EQ(cfg->registry_path, (dir_.path() / "canarytrap.db").lexically_normal());
  EXPECT_EQ(cfg->key_file, (dir_.path() / "canarytrap.key").lexically_normal());
}

TEST_F(ConfigTest, PrecedenceIsFileThenEnvironmentThenFlags) {
  const auto file = write_config();
  Environment env{{"CANARYTRAP_DNS_ZONE", "env.example.net"},
                  {"CANARYTRAP_LOG_LEVEL", "debug"},
                  {"CANARYTRAP_DNS_MAIL_DOMAINS", "a.example.net, b.example.net"}};
  Overrides flags{{"log.level", "warn"}};
  auto cfg = load_config(file, env, flags);
  ASSERT_TRUE(cfg) << cfg.status().message();
  EXPECT_EQ(cfg->zone, "env.example.net");  // env beats file
  EXPECT_EQ(cfg->log_level, "warn");        // flag beats env
  EXPECT_EQ(cfg->mail_domains, (std::vector<std::string>{"a.example.net", "b.example.net"}));
  EXPECT_EQ(cfg->listen_http, "127.0.0.1:8080");  // untouched keys keep the file's value
}

TEST_F(ConfigTest, EnvironmentAndFlagPathsAreNotRebasedOntoTheConfigDirectory) {
  auto cfg = load_config(write_config(), {{"CANARYTRAP_REGISTRY_PATH", "rel/reg.db"}}, {});
  ASSERT_TRUE(cfg);
  EXPECT_EQ(cfg->registry_path, "rel/reg.db");
  cfg = load_config(write_config(), {}, {{"registry.path", "/abs/reg.db"}});
  ASSERT_TRUE(cfg);
  EXPECT_EQ(cfg->registry_path, "/abs/reg.db");
}

TEST_F(ConfigTest, QuietWindowIsADuration) {
  auto cfg = load_config(write_config(), {{"CANARYTRAP_INCIDENTS_QUIET_WINDOW", "90m"}}, {});
  ASSERT_TRUE(cfg) << cfg.status().message();
  EXPECT_EQ(cfg->quiet_window, std::chrono::minutes(90));
  auto dflt = load_config(write_config(), {}, {});
  ASSERT_TRUE(dflt);
  EXPECT_EQ(dflt->quiet_window, std::chrono::hours(24));
}

TEST_F(ConfigTest, UnknownEnvironmentVariablesAreWarnings) {
  auto cfg = load_config(write_config(), {{"CANARYTRAP_DNS_ZONEE", "x"}, {"CANARYTRAP_CONFIG", "y"}}, {});
  ASSERT_TRUE(cfg);
  ASSERT_EQ(cfg->warnings.size(), 1u);
  EXPECT_NE(cfg->warnings[0].find("CANARYTRAP_DNS_ZONEE"), std::string::npos);
}

TEST_F(ConfigTest, EveryKeyHasAnEnvironmentVariable) {
  const auto file = write_config();
  for (const auto& key : config_keys()) {
    std::string name = "CANARYTRAP_";
    for (char c : key) name += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    auto cfg = load_config(file, {{name, ""}}, {});
    // An empty value either validates (optional keys) or fails naming the key: never ignored.
    if (!cfg) {
      EXPECT_NE(cfg.status().message().find(key), std::string::npos) << cfg.status().message();
    } else {
      EXPECT_TRUE(cfg->warnings.empty()) << name;
    }
  }
}

TEST_F(ConfigTest, ErrorsNameTheProblem) {
  const std::vector<std::pair<Environment, std::string>> env_cases = {
      {{{"CANARYTRAP_DNS_ZONE", "bad_zone"}}, "dns.zone"},
      {{{"CANARYTRAP_DNS_ZONE", "com"}}, "dns.zone"},
      {{{"CANARYTRAP_DNS_MAIL_DOMAINS", ""}}, "dns.mail_domains"},
      {{{"CANARYTRAP_DNS_PUBLIC_IPS", "300.1.1.1"}}, "dns.public_ips"},
      {{{"CANARYTRAP_LISTEN_DNS", "127.0.0.1"}}, "listen.dns"},
      {{{"CANARYTRAP_LISTEN_HTTP", "127.0.0.1:99999"}}, "listen.http"},
      {{{"CANARYTRAP_MINT_URL_SCHEME", "ftp"}}, "mint.url_scheme"},
      {{{"CANARYTRAP_LOG_FORMAT", "xml"}}, "log.format"},
      {{{"CANARYTRAP_INCIDENTS_QUIET_WINDOW", "soon"}}, "incidents.quiet_window"},
      {{{"CANARYTRAP_INCIDENTS_QUIET_WINDOW", "2026-01-01"}}, "incidents.quiet_window"},
  };
  const auto file = write_config();
  for (const auto& [env, key] : env_cases) {
    auto cfg = load_config(file, env, {});
    ASSERT_FALSE(cfg) << key;
    EXPECT_NE(cfg.status().message().find(key), std::string::npos) << cfg.status().message();
    EXPECT_EQ(cfg.status().message().find('\n'), std::string::npos);
  }
}

TEST_F(ConfigTest, FileErrorsNameTheFileAndKey) {
  auto typo = load_config(write_config("\n[dns2]\nzone = \"x\"\n"), {}, {});
  ASSERT_FALSE(typo);
  EXPECT_NE(typo.status().message().find("dns2.zone"), std::string::npos);

  write_file(dir_ / "wrong_type.toml", "[dns]\nzone = 5\n");
  auto wrong = load_config(dir_ / "wrong_type.toml", {}, {});
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.status().message().find("dns.zone"), std::string::npos);

  write_file(dir_ / "syntax.toml", "[dns\nzone = \n");
  auto syntax = load_config(dir_ / "syntax.toml", {}, {});
  ASSERT_FALSE(syntax);
  EXPECT_NE(syntax.status().message().find("syntax.toml:1"), std::string::npos) << syntax.status().message();
}

TEST_F(ConfigTest, MissingFileSaysToRunInit) {
  auto cfg = load_config(dir_ / "absent.toml", {}, {});
  ASSERT_FALSE(cfg);
  EXPECT_EQ(cfg.status().code(), Status::Code::kNotFound);
  EXPECT_NE(cfg.status().message().find("absent.toml"), std::string::npos);
  EXPECT_NE(cfg.status().message().find("canarytrap init"), std::string::npos);
}

TEST(EndpointTest, ParsesV4AndV6) {
  auto v4 = parse_endpoint("0.0.0.0:53");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->port, 53);
  auto v6 = parse_endpoint("[::1]:8080");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->to_string(), "[::1]:8080");
  for (const char* bad : {"", "localhost:80", "127.0.0.1:", "127.0.0.1:0", "[::1]80", "1.2.3.4:65536"}) {
    EXPECT_FALSE(parse_endpoint(bad)) << bad;
  }
}

}  // namespace
}  // namespace canarytrap
