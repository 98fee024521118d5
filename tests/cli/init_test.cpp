#include <sys/stat.h>

#include "cli/cli_fixture.h"

namespace canarytrap::testing {
namespace {

using InitTest = CliTest;

unsigned mode_of(const std::filesystem::path& p) {
  struct stat st;
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 0777;
}

TEST_F(InitTest, WritesConfigKeyAndRegistry) {
  auto r = ct({"init", "--zone", "Canary.Example.NET", "--mail-domain", "mail.example.net", "--public-ip", "192.0.2.7",
               "--json"});
  auto j = json_of(r);
  EXPECT_EQ(j["zone"], "canary.example.net");
  const std::string config = read_file(dir_ / "canarytrap.toml");
  EXPECT_NE(config.find("zone = \"canary.example.net\""), std::string::npos);
  EXPECT_NE(config.find("\"192.0.2.7\""), std::string::npos);
  const std::string key = read_file(dir_ / "canarytrap.key");
  EXPECT_EQ(key.size(), 65u);  // 32 bytes in hex and a newline
  EXPECT_EQ(mode_of(dir_ / "canarytrap.key"), 0600u);
  EXPECT_EQ(mode_of(dir_ / "canarytrap.db"), 0600u);
  // The secret is never printed.
  EXPECT_EQ(r.out.find(key.substr(0, 64)), std::string::npos);
  EXPECT_EQ(r.err.find(key.substr(0, 64)), std::string::npos);
  // No staging leftovers.
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir_.path())) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 3);
}

TEST_F(InitTest, CreatesTheDirectoryAndDefaultsMailDomainToTheZone) {
  auto r = ct({"init", "--dir", "nested/conf", "--zone", "t.example.org"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string config = read_file(dir_ / "nested/conf/canarytrap.toml");
  EXPECT_NE(config.find("mail_domains = [\"t.example.org\"]"), std::string::npos) << config;
}

TEST_F(InitTest, RefusesToOverwriteWithoutForce) {
  init();
  const std::string config = read_file(dir_ / "canarytrap.toml");
  const std::string key = read_file(dir_ / "canarytrap.key");
  auto again = ct({"init", "--zone", "other.example.net"});
  expect_one_line_error(again, 1, "--force");
  EXPECT_EQ(read_file(dir_ / "canarytrap.toml"), config);

  auto forced = ct({"init", "--zone", "other.example.net", "--force"});
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_NE(read_file(dir_ / "canarytrap.toml").find("other.example.net"), std::string::npos);
  EXPECT_EQ(read_file(dir_ / "canarytrap.key"), key);  // the key survives --force
}

TEST_F(InitTest, ForceKeepsTheRegistry) {
  init();
  ASSERT_EQ(ct({"mint", "--kind", "dns", "--count", "3"}).exit_code, 0);
  ASSERT_EQ(ct({"init", "--zone", "other.example.net", "--force"}).exit_code, 0);
  auto list = json_of(ct({"canaries", "--json"}));
  EXPECT_EQ(list.size(), 3u);
}

TEST_F(InitTest, BadInputChangesNothing) {
  expect_one_line_error(ct({"init", "--zone", "bad_zone"}), 2, "bad_zone");
  expect_one_line_error(ct({"init", "--zone", "com"}), 2, "two labels");
  expect_one_line_error(ct({"init", "--mail-domain", "x..y"}), 2, "--mail-domain");
  expect_one_line_error(ct({"init", "--public-ip", "999.1.1.1"}), 2, "--public-ip");
  EXPECT_TRUE(std::filesystem::is_empty(dir_.path()));
}

TEST_F(InitTest, UnwritableDirectoryIsOneLine) {
  // A regular file where the directory should be: fails for root too.
  write_file(dir_ / "blocker", "x");
  expect_one_line_error(ct({"init", "--dir", "blocker/sub"}), 1, "blocker");
  auto r = ct({"init", "--dir", "/proc/canarytrap-cannot-write-here"});
  EXPECT_EQ(r.exit_code, 1);
}

TEST_F(InitTest, ForeignRegistryFileIsRefusedWithForce) {
  init();
  write_file(dir_ / "canarytrap.db", "not a database at all, but long enough to be read as one");
  const std::string config = read_file(dir_ / "canarytrap.toml");
  expect_one_line_error(ct({"init", "--zone", "x.example.net", "--force"}), 1, "not an SQLite database");
  EXPECT_EQ(read_file(dir_ / "canarytrap.toml"), config);
}

TEST_F(InitTest, HelpAndVersion) {
  auto help = ct({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* cmd : {"init", "mint", "canaries", "copies"}) EXPECT_NE(help.out.find(cmd), std::string::npos);
  for (const char* cmd : {"init", "mint", "canaries", "copies"}) {
    auto sub = ct({cmd, "--help"});
    EXPECT_EQ(sub.exit_code, 0) << cmd;
    EXPECT_NE(sub.out.find("Usage"), std::string::npos) << cmd;
  }
  EXPECT_EQ(ct({"--version"}).exit_code, 0);
  expect_one_line_error(ct({}), 2, "ubcommand is required");
  expect_one_line_error(ct({"frobnicate"}), 2, "frobnicate");
}

}  // namespace
}  // namespace canarytrap::testing
