// A scratch directory with `canarytrap init` run and free ports, for tests that drive
// `canarytrap serve` with real clients.
#pragma once

#include <csignal>
#include <fstream>
#include <thread>

#include "cli/cli_fixture.h"

namespace canarytrap::testing {

class ServeTest : public CliTest {
 protected:
  void SetUp() override {
    init();
    dns_port_ = free_port();
    http_port_ = free_port();
    smtp_port_ = free_port();
    metrics_port_ = free_port();
  }
  void TearDown() override {
    if (serve_) serve_->stop(SIGKILL);
  }

  std::string at(int port) { return "127.0.0.1:" + std::to_string(port); }

  void start_serve(std::map<std::string, std::string> env = {}) {
    serve_ = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{CANARYTRAP_BIN_FOR_TESTS, "serve", "--dns", at(dns_port_), "--http", at(http_port_),
                                 "--smtp", at(smtp_port_), "--metrics", at(metrics_port_), "--admin", "", "--threads", "2"},
        ProcessOptions{dir_.path(), std::move(env)}, dir_ / "serve");
    for (int i = 0; i < 500 && !(port_open(http_port_) && port_open(smtp_port_) && port_open(dns_port_)); ++i) {
      ASSERT_TRUE(serve_->running()) << serve_->err();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_TRUE(port_open(http_port_)) << serve_->err();
  }

  std::string mint(const std::string& kind) {
    auto r = ct({"mint", "--kind", kind, "--copy", "prod-db"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out.substr(0, r.out.find('\n'));
  }

  // The hits recorded so far, waiting up to 5 s for at least `n` (writes are asynchronous).
  nlohmann::json hits(std::size_t n) {
    nlohmann::json j;
    for (int i = 0; i < 100; ++i) {
      j = json_of(ct({"hits", "--json", "--limit", "1000000"}));
      if (j.size() >= n) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return j;
  }

  ProcessResult dig(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"/usr/bin/dig", "@127.0.0.1", "-p", std::to_string(dns_port_), "+tries=1", "+time=3"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv);
  }

  // One curl, keep-alive, `requests` requests for the trigger `url` (each with its own query
  // string); its status codes go to curl.out, one per line.
  std::unique_ptr<BackgroundProcess> start_curl_load(const std::string& url, int requests) {
    const std::string host = url.substr(7, url.find('/', 7) - 7);
    const std::string path = url.substr(url.find('/', 7));
    std::ofstream config(dir_ / "curl.cfg");
    config << "header = \"Host: " << host << "\"\n";
    for (int i = 0; i < requests; ++i) {
      config << "url = \"http://127.0.0.1:" << http_port_ << path << "?n=" << i << "\"\noutput = \"/dev/null\"\n";
    }
    config.close();
    return std::make_unique<BackgroundProcess>(
        std::vector<std::string>{"/usr/bin/curl", "-s", "-K", (dir_ / "curl.cfg").string(), "-w", "%{http_code}\\n"},
        ProcessOptions{dir_.path(), {}}, dir_ / "curl");
  }
  // How many requests of the load were answered 200.
  std::size_t answered_requests() {
    std::ifstream codes(dir_ / "curl.out");
    std::size_t answered = 0;
    for (std::string line; std::getline(codes, line);) answered += line == "200";
    return answered;
  }

  int dns_port_ = 0, http_port_ = 0, smtp_port_ = 0, metrics_port_ = 0;
  std::unique_ptr<BackgroundProcess> serve_;
};

}  // namespace canarytrap::testing
