// Real hits still recorded while `serve` is attacked on loopback: a random-name DNS flood,
// and slowloris connections on HTTP and SMTP (tests/support/flood.py).
#include <fstream>

#include "cli/serve_fixture.h"

namespace canarytrap::testing {
namespace {

class FloodTest : public ServeTest {
 protected:
  std::unique_ptr<BackgroundProcess> attack(const std::vector<std::string>& args, const std::string& name) {
    std::vector<std::string> argv{"/usr/bin/python3", std::string(CANARYTRAP_SOURCE_DIR) + "/tests/support/flood.py"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto p = std::make_unique<BackgroundProcess>(argv, ProcessOptions{dir_.path(), {}}, dir_ / name);
    for (int i = 0; i < 400; ++i) {
      std::ifstream out(dir_ / (name + ".out"));
      std::string line;
      if (std::getline(out, line) && line == "started") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return p;
  }
  std::string read(const std::string& file) {
    std::ifstream in(dir_ / file);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
};

TEST_F(FloodTest, DnsFloodOfRandomNamesDoesNotHideARealHit) {
  const std::string name = mint("dns");
  start_serve();
  auto flood = attack({"dns", std::to_string(dns_port_), "canary.example.net", "4"}, "dnsflood");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  // A real resolver retries when a datagram is lost in the flood; so may dig (it then
  // prints the timeout before the answer).
  auto r = dig({"+tries=5", name, "A", "+short"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(r.out.size() >= 10 && r.out.substr(r.out.size() - 10) == "127.0.0.1\n") << r.out << r.err;
  ASSERT_NE(flood->stop(0, 20000), -1);
  EXPECT_NE(read("dnsflood.out").find("sent"), std::string::npos);
  auto h = hits(1);
  bool real = false;
  for (const auto& hit : h) real = real || hit["value"] == name;
  EXPECT_TRUE(real) << h.dump(2);
  EXPECT_EQ(h.size(), 1u);  // random names are no hits
  EXPECT_TRUE(serve_->running());
  EXPECT_EQ(serve_->stop(SIGTERM), 0) << serve_->err();
}

TEST_F(FloodTest, SlowlorisOnHttpAndSmtpDoesNotHideRealHits) {
  const std::string url = mint("http");
  const std::string address = mint("smtp");
  start_serve();
  auto slow_http = attack({"slow", std::to_string(http_port_), "400", "5"}, "slowhttp");
  auto slow_smtp = attack({"slow", std::to_string(smtp_port_), "400", "5"}, "slowsmtp");
  const std::string host = url.substr(7, url.find('/', 7) - 7);
  auto fetched = run_process({"/usr/bin/curl", "-s", "-m", "10", "-o", "/dev/null", "-w", "%{http_code}", "-H",
                              "Host: " + host, "http://127.0.0.1:" + std::to_string(http_port_) + url.substr(url.find('/', 7))});
  EXPECT_EQ(fetched.out, "200") << fetched.err;
  auto mailed = run_process({"/usr/bin/swaks", "--timeout", "10", "--server", at(smtp_port_), "--to", address, "--from",
                             "x@forum.example"});
  EXPECT_EQ(mailed.exit_code, 0) << mailed.out;
  ASSERT_NE(slow_http->stop(0, 30000), -1);
  ASSERT_NE(slow_smtp->stop(0, 30000), -1);
  auto h = hits(2);
  EXPECT_EQ(h.size(), 2u) << h.dump(2);
  EXPECT_TRUE(serve_->running());
  EXPECT_EQ(serve_->stop(SIGTERM), 0) << serve_->err();
}

}  // namespace
}  // namespace canarytrap::testing
