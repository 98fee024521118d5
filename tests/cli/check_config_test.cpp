#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli/cli_fixture.h"

namespace canarytrap::testing {
namespace {

using CheckConfigTest = CliTest;

TEST_F(CheckConfigTest, AGoodConfigIsOk) {
  init();
  auto r = ct({"check-config", "--metrics", "127.0.0.1:0"});
  // --metrics is serve's flag, not check-config's: a usage error, not a silent pass.
  EXPECT_EQ(r.exit_code, 2);
  std::map<std::string, std::string> free_ports = {{"CANARYTRAP_LISTEN_DNS", "127.0.0.1:" + std::to_string(free_port())},
                                                   {"CANARYTRAP_LISTEN_HTTP", "127.0.0.1:" + std::to_string(free_port())},
                                                   {"CANARYTRAP_LISTEN_SMTP", "127.0.0.1:" + std::to_string(free_port())},
                                                   {"CANARYTRAP_LISTEN_METRICS", "127.0.0.1:" + std::to_string(free_port())},
                                                   {"CANARYTRAP_LISTEN_ADMIN", "127.0.0.1:" + std::to_string(free_port())}};
  auto ok = ct({"check-config"}, free_ports);
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.out, "config ok\n");
}

TEST_F(CheckConfigTest, WrongCertificatePortInUseAndBadKeyFileAreEachOneLine) {
  init();
  make_cert("a.example", dir_ / "a.example.pem", dir_ / "a.example.key");
  make_cert("b.example", dir_ / "b.example.pem", dir_ / "b.example.key");
  // Hold a port the config names.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  const std::string busy = "127.0.0.1:" + std::to_string(ntohs(a.sin_port));
  write_file(dir_ / "canarytrap.key", "too short\n");
  auto r = ct({"check-config", "--json"},
              {{"CANARYTRAP_LISTEN_HTTP", busy},
               {"CANARYTRAP_LISTEN_HTTPS", "127.0.0.1:" + std::to_string(free_port())},
               {"CANARYTRAP_LISTEN_DNS", "127.0.0.1:" + std::to_string(free_port())},
               {"CANARYTRAP_LISTEN_SMTP", "127.0.0.1:" + std::to_string(free_port())},
               {"CANARYTRAP_LISTEN_METRICS", ""},
               // Not the default 127.0.0.1:8081, which a running demo may hold.
               {"CANARYTRAP_LISTEN_ADMIN", "127.0.0.1:" + std::to_string(free_port())},
               {"CANARYTRAP_TLS_CERT", (dir_ / "a.example.pem").string()},
               {"CANARYTRAP_TLS_KEY", (dir_ / "b.example.key").string()}});
  ::close(fd);
  EXPECT_EQ(r.exit_code, 1);
  auto j = nlohmann::json::parse(r.out);
  EXPECT_FALSE(j["ok"].get<bool>());
  const std::string all = j["problems"].dump();
  EXPECT_NE(all.find("does not match the certificate"), std::string::npos) << all;
  EXPECT_NE(all.find("listen.http " + busy + ": Address already in use"), std::string::npos) << all;
  EXPECT_NE(all.find("secrets.key_file"), std::string::npos) << all;
  EXPECT_EQ(j["problems"].size(), 3u) << all;
}

TEST_F(CheckConfigTest, NoConfigIsAProblem) {
  auto r = ct({"check-config"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("canarytrap init"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace canarytrap::testing
