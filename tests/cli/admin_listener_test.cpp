// The admin listener as `serve` runs it: HTTPS with its own certificate (the session cookie
// then Secure), a clear one-line error when the dashboard's files are missing, and a port
// of its own that the public HTTP listener does not share.
#include "cli/serve_fixture.h"

namespace canarytrap::testing {
namespace {

class AdminListenerTest : public ServeTest {
 protected:
  std::unique_ptr<BackgroundProcess> start_with_admin(int admin_port, std::map<std::string, std::string> env) {
    auto p = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{CANARYTRAP_BIN_FOR_TESTS, "serve", "--dns", at(dns_port_), "--http", at(http_port_),
                                 "--smtp", at(smtp_port_), "--metrics", "", "--admin", at(admin_port)},
        ProcessOptions{dir_.path(), std::move(env)}, dir_ / "serve");
    for (int i = 0; i < 500 && !port_open(admin_port) && p->running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return p;
  }
};

TEST_F(AdminListenerTest, HttpsWithItsOwnCertificateAndSecureCookies) {
  make_cert("canarytrap-admin.example", dir_ / "admin-cert.pem", dir_ / "admin-key.pem");
  auto key = ct({"keys", "create", "--name", "ops", "--role", "admin"});
  ASSERT_EQ(key.exit_code, 0) << key.err;
  const std::string api_key = key.out.substr(0, key.out.find('\n'));
  const int admin_port = free_port();
  serve_ = start_with_admin(admin_port, {{"CANARYTRAP_ADMIN_TLS_CERT", (dir_ / "admin-cert.pem").string()},
                                         {"CANARYTRAP_ADMIN_TLS_KEY", (dir_ / "admin-key.pem").string()}});
  ASSERT_TRUE(port_open(admin_port)) << serve_->err();
  const std::string base = "https://127.0.0.1:" + std::to_string(admin_port);
  // Plain HTTP to a TLS port gets no page.
  auto plain = run_process({"/usr/bin/curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5",
                            "http://127.0.0.1:" + std::to_string(admin_port) + "/"});
  EXPECT_NE(plain.out, "200");
  auto page = run_process({"/usr/bin/curl", "-s", "-k", "-o", "/dev/null", "-w", "%{http_code}", base + "/"});
  EXPECT_EQ(page.out, "200") << page.err;
  auto login = run_process({"/usr/bin/curl", "-s", "-k", "-i", "-H", "Content-Type: application/json", "--data",
                            "{\"key\":\"" + api_key + "\"}", base + "/api/v1/session"});
  EXPECT_NE(login.out.find("HTTP/1.1 200"), std::string::npos) << login.out;
  EXPECT_NE(login.out.find("Secure"), std::string::npos) << login.out;
  EXPECT_NE(login.out.find("HttpOnly; SameSite=Strict"), std::string::npos) << login.out;
  EXPECT_NE(login.out.find("Strict-Transport-Security"), std::string::npos) << login.out;
  auto api = run_process({"/usr/bin/curl", "-s", "-k", "-o", "/dev/null", "-w", "%{http_code}", "-H",
                          "Authorization: Bearer " + api_key, base + "/api/v1/summary"});
  EXPECT_EQ(api.out, "200");
  EXPECT_EQ(serve_->stop(SIGTERM), 0) << serve_->err();
}

TEST_F(AdminListenerTest, MissingDashboardFilesAreOneLineAndExitOne) {
  const int admin_port = free_port();
  auto r = run_process({CANARYTRAP_BIN_FOR_TESTS, "serve", "--dns", at(dns_port_), "--http", at(http_port_), "--smtp",
                        at(smtp_port_), "--metrics", "", "--admin", at(admin_port)},
                       {dir_.path(), {{"CANARYTRAP_ADMIN_WEB_ROOT", (dir_ / "nowhere").string()}}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("dashboard's files are not in"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  auto check = ct({"check-config"}, {{"CANARYTRAP_ADMIN_WEB_ROOT", (dir_ / "nowhere").string()},
                                     {"CANARYTRAP_LISTEN_ADMIN", at(admin_port)}});
  EXPECT_NE(check.err.find("admin.web_root"), std::string::npos) << check.err;
}

TEST_F(AdminListenerTest, TheAdminAddressCannotBeThePublicOne) {
  // Same port for both: the second bind fails, and serve says which listener.
  auto r = run_process({CANARYTRAP_BIN_FOR_TESTS, "serve", "--dns", at(dns_port_), "--http", at(http_port_), "--smtp",
                        at(smtp_port_), "--metrics", "", "--admin", at(http_port_)},
                       {dir_.path(), {}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find(std::to_string(http_port_)), std::string::npos) << r.err;
}

}  // namespace
}  // namespace canarytrap::testing
