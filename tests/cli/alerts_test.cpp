// Alerts end to end: `canarytrap serve` hit by dig, curl and swaks, delivering to a real
// HTTP(S) receiver (tests/support/webhook_receiver.py) that verifies signatures, deduplicates
// by alert id and answers 500, 429, 400 or late on demand.
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "cli/cli_fixture.h"

namespace canarytrap::testing {
namespace {

using nlohmann::json;

class AlertsTest : public CliTest {
 protected:
  void SetUp() override {
    init();
    dns_port_ = free_port();
    http_port_ = free_port();
    smtp_port_ = free_port();
    metrics_port_ = free_port();
    receiver_port_ = free_port();
    std::ofstream(dir_ / "hook.secret") << "7f3a9c2e51b84d06a1e9f0c3b2d47e58\n";
    set_mode("ok");
  }
  void TearDown() override {
    if (serve_) serve_->stop(SIGKILL);
    if (receiver_) receiver_->stop(SIGKILL);
  }

  // Appends [alerts] settings and [[alert]] blocks to the config `init` wrote.
  void configure(const std::string& alerts_settings, const std::string& blocks) {
    std::ifstream in(dir_ / "canarytrap.toml");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Each "key = value" line replaces the key's line in [alerts], or is added to it.
    std::istringstream settings(alerts_settings);
    for (std::string line; std::getline(settings, line);) {
      const std::string key = line.substr(0, line.find(' '));
      const auto section = text.find("[alerts]\n");
      const auto existing = text.find("\n" + key + " = ", section);
      const auto next_section = text.find("\n[", section + 1);
      if (existing != std::string::npos && existing < next_section) {
        text.replace(existing + 1, text.find('\n', existing + 1) - existing - 1, line);
      } else {
        text.insert(section + 9, line + "\n");
      }
    }
    std::ofstream(dir_ / "canarytrap.toml") << text << "\n" << blocks;
  }
  std::string receiver_url(const std::string& scheme = "http") {
    return scheme + "://" + std::string(scheme == "https" ? "localhost" : "127.0.0.1") + ":" +
           std::to_string(receiver_port_) + "/hooks/canarytrap";
  }
  std::string generic_block(const std::string& name, const std::string& url) {
    return "[[alert]]\nname = \"" + name + "\"\nkind = \"generic\"\nurl = \"" + url +
           "\"\nsecret_file = \"hook.secret\"\n\n";
  }

  // Written beside and renamed into place: the receiver reads the file at every request, and
  // a truncated-then-written file read in between would be empty, which it takes for "ok".
  void set_mode(const std::string& mode) {
    std::ofstream(dir_ / "mode.new") << mode;
    std::filesystem::rename(dir_ / "mode.new", dir_ / "mode");
  }
  void start_receiver(std::map<std::string, std::string> env = {}) {
    receiver_ = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{"/usr/bin/python3", std::string(CANARYTRAP_SOURCE_DIR) + "/tests/support/webhook_receiver.py",
                                 std::to_string(receiver_port_), (dir_ / "hook.secret").string(), (dir_ / "mode").string(),
                                 (dir_ / "received.jsonl").string()},
        ProcessOptions{dir_.path(), std::move(env)}, dir_ / "receiver");
    for (int i = 0; i < 500 && !port_open(receiver_port_); ++i) {
      ASSERT_TRUE(receiver_->running()) << receiver_->err();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_TRUE(port_open(receiver_port_)) << receiver_->err();
  }
  void start_serve() {
    serve_ = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{CANARYTRAP_BIN_FOR_TESTS, "serve", "--dns", at(dns_port_), "--http", at(http_port_),
                                 "--smtp", at(smtp_port_), "--metrics", at(metrics_port_), "--admin", "", "--threads", "2"},
        ProcessOptions{dir_.path(), {}}, dir_ / ("serve" + std::to_string(++serve_runs_)));
    for (int i = 0; i < 500 && !(port_open(http_port_) && port_open(smtp_port_) && port_open(dns_port_)); ++i) {
      ASSERT_TRUE(serve_->running()) << serve_->err();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_TRUE(port_open(http_port_)) << serve_->err();
  }
  std::string at(int port) { return "127.0.0.1:" + std::to_string(port); }
  std::string mint(const std::string& kind, const std::string& copy) {
    auto r = ct({"mint", "--kind", kind, "--copy", copy});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out.substr(0, r.out.find('\n'));
  }

  void dns_hit(const std::string& name) {
    auto r = run_process({"/usr/bin/dig", "@127.0.0.1", "-p", std::to_string(dns_port_), "+tries=1", "+time=3", "+short",
                          name, "A"});
    ASSERT_EQ(r.out, "127.0.0.1\n") << r.err;
  }
  void http_hit(const std::string& url, const std::string& user_agent) {
    const std::string host = url.substr(7, url.find('/', 7) - 7);
    auto r = run_process({"/usr/bin/curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-A", user_agent, "--connect-to",
                          host + ":80:127.0.0.1:" + std::to_string(http_port_), url});
    ASSERT_EQ(r.out, "200") << r.err;
  }
  void smtp_hit(const std::string& address) {
    auto r = run_process({"/usr/bin/swaks", "--server", at(smtp_port_), "--to", address, "--from", "seller@forum.example",
                          "--header", "Subject: <!channel> fresh dump"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }

  // What the receiver logged (every request, duplicates included).
  std::vector<json> received() {
    std::vector<json> out;
    std::ifstream in(dir_ / "received.jsonl");
    // A line still being appended (no newline yet) is left for the next look.
    for (std::string line; std::getline(in, line) && !in.eof();) out.push_back(json::parse(line));
    return out;
  }
  // The receiver's answers in order, for failure messages: "500 500 204(duplicate) ...".
  std::string statuses() {
    std::string out = "receiver answered:";
    for (const auto& r : received()) {
      out += " " + r["status"].dump() + (r["duplicate"] == true ? "(duplicate)" : "");
    }
    return out + "\n";
  }
  // Accepted (2xx, valid signature) first deliveries, by alert id.
  std::map<std::string, json> accepted() {
    std::map<std::string, json> out;
    for (const auto& r : received()) {
      if (r["status"] == 204 && r["signature_ok"] == true && r["duplicate"] == false) out[r["id"]] = r["body"];
    }
    return out;
  }
  std::vector<json> accepted_events(const std::string& event) {
    std::vector<json> out;
    for (const auto& [id, body] : accepted()) {
      if (body["event"] == event) out.push_back(body);
    }
    return out;
  }
  // Waits up to `seconds` for `done` to hold.
  template <typename F>
  bool eventually(F done, int seconds) {
    for (int i = 0; i < seconds * 10; ++i) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return done();
  }
  json alerts_list() { return json_of(ct({"alerts", "list", "--json", "--limit", "1000"})); }
  bool all_delivered() {
    json list = alerts_list();
    if (list.empty()) return false;
    for (const auto& a : list) {
      if (a["state"] != "delivered") return false;
    }
    return true;
  }

  int dns_port_ = 0, http_port_ = 0, smtp_port_ = 0, metrics_port_ = 0, receiver_port_ = 0, serve_runs_ = 0;
  std::unique_ptr<BackgroundProcess> serve_, receiver_;
};

TEST_F(AlertsTest, ThreeChannelsGiveOneOpenedAndOneDigestWithAttribution) {
  configure("allow_private = \"true\"\ndigest_interval = \"2s\"\n",
            generic_block("soc", receiver_url()) + "[[alert]]\nname = \"siem\"\nkind = \"jsonl\"\nurl = \"siem.jsonl\"\n");
  const std::string name = mint("dns", "vendor-acme");
  const std::string url = mint("http", "vendor-acme");
  const std::string address = mint("smtp", "vendor-acme");
  mint("dns", "prod");  // another copy's canary, never hit
  start_receiver();
  start_serve();

  dns_hit(name);
  ASSERT_TRUE(eventually([&] { return accepted_events("incident.opened").size() == 1; }, 10)) << serve_->err();
  http_hit(url, "Mozilla/5.0 <@U024BE7LH> *bold*");
  smtp_hit(address);
  ASSERT_TRUE(eventually([&] { return accepted_events("incident.digest").size() == 1; }, 15)) << serve_->err();

  const json opened = accepted_events("incident.opened")[0];
  EXPECT_EQ(opened["schema"], "canarytrap.alert.v1");
  EXPECT_EQ(opened["incident"]["copy"], "vendor-acme");
  EXPECT_EQ(opened["hit_count"], 1);
  EXPECT_EQ(opened["hits"][0]["channel"], "dns");
  EXPECT_EQ(opened["hits"][0]["trigger_value"], name);
  EXPECT_EQ(opened["attribution"]["exclusive_canaries"], 1);
  EXPECT_NE(opened["attribution"]["verdict"].get<std::string>().find("vendor-acme"), std::string::npos);
  const json digest = accepted_events("incident.digest")[0];
  EXPECT_EQ(digest["incident"]["id"], opened["incident"]["id"]);
  EXPECT_EQ(digest["hit_count"], 2);  // the http and the smtp hit, each once
  std::set<std::string> channels;
  for (const auto& h : digest["hits"]) channels.insert(h["channel"]);
  EXPECT_EQ(channels, (std::set<std::string>{"http", "smtp"}));
  EXPECT_EQ(digest["incident"]["hits_total"], 3);
  for (const auto& h : digest["hits"]) {
    if (h["channel"] == "http") {
      EXPECT_EQ(h["user_agent"], "Mozilla/5.0 <@U024BE7LH> *bold*");
    }
  }
  // Every request the receiver saw was signed correctly; nothing else arrived.
  for (const auto& r : received()) EXPECT_TRUE(r["signature_ok"].get<bool>()) << r.dump();
  EXPECT_EQ(accepted().size(), 2u);

  // The SIEM file got the same two events, one JSON line each.
  ASSERT_TRUE(eventually([&] { return all_delivered(); }, 10));
  std::ifstream siem(dir_ / "siem.jsonl");
  std::vector<std::string> events;
  for (std::string line; std::getline(siem, line);) events.push_back(json::parse(line)["event"]);
  EXPECT_EQ(events, (std::vector<std::string>{"incident.opened", "incident.digest"}));
  json list = alerts_list();
  EXPECT_EQ(list.size(), 4u);
  auto metrics = run_process({"/usr/bin/curl", "-s", "http://" + at(metrics_port_) + "/metrics"});
  EXPECT_NE(metrics.out.find("canarytrap_alert_attempts_total{outcome=\"delivered\"} 4"), std::string::npos)
      << metrics.out;
  EXPECT_EQ(serve_->stop(SIGTERM), 0) << serve_->err();
}

// The done-when scenario: the receiver down (CT_ALERT_OUTAGE_SECONDS, 120 by default) while
// hits arrive and `serve` restarts once; after it is back, every alert arrives, none twice
// once deduplicated by id.
TEST_F(AlertsTest, ReceiverDownAndServeRestartedLosesNothing) {
  int outage = 120;
  if (const char* o = std::getenv("CT_ALERT_OUTAGE_SECONDS")) outage = std::atoi(o);
  configure("allow_private = \"true\"\ndigest_interval = \"1s\"\nretry_max_delay = \"5s\"\ntimeout = \"2s\"\n",
            generic_block("soc", receiver_url()));
  const std::string a = mint("dns", "vendor-a");
  const std::string b = mint("dns", "vendor-b");
  const std::string url = mint("http", "vendor-a");
  start_serve();  // the receiver is not running yet
  const auto outage_start = std::chrono::steady_clock::now();
  dns_hit(a);
  dns_hit(b);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  http_hit(url, "curl/7.88");
  ASSERT_TRUE(eventually([&] { return alerts_list().size() == 3u; }, 10)) << alerts_list().dump(2);
  // serve restarted in the middle of the outage.
  EXPECT_EQ(serve_->stop(SIGTERM), 0) << serve_->err();
  start_serve();
  dns_hit(b);
  std::this_thread::sleep_until(outage_start + std::chrono::seconds(outage));
  json during = alerts_list();
  ASSERT_EQ(during.size(), 4u) << during.dump(2);
  for (const auto& al : during) {
    EXPECT_EQ(al["state"], "pending") << al.dump();
    if (al["event"] == "incident.opened") {
      // Tried, and retried, all through the outage.
      EXPECT_GE(al["attempts"].get<int>(), 2) << al.dump();
      EXPECT_NE(al["last_error"].get<std::string>().find("connect"), std::string::npos) << al.dump();
    } else {
      // A digest waits for its incident's opening alert: alerts of an incident arrive in order.
      EXPECT_EQ(al["event"], "incident.digest");
      EXPECT_EQ(al["attempts"], 0) << al.dump();
    }
  }
  start_receiver();
  ASSERT_TRUE(eventually([&] { return all_delivered(); }, 30)) << alerts_list().dump(2);
  std::set<std::string> outbox;
  for (const auto& al : alerts_list()) outbox.insert(al["id"]);
  std::set<std::string> arrived;
  for (const auto& [id, body] : accepted()) arrived.insert(id);
  EXPECT_EQ(arrived, outbox);
  EXPECT_EQ(accepted_events("incident.opened").size(), 2u);
  std::size_t hits = 0;
  for (const auto& [id, body] : accepted()) hits += body["hit_count"].get<std::size_t>();
  EXPECT_EQ(hits, 4u);  // every hit in exactly one alert
  EXPECT_EQ(serve_->stop(SIGTERM), 0) << serve_->err();
}

TEST_F(AlertsTest, TimeoutsServerErrorsAndRateLimitsAreRetriedClientErrorsFailVisibly) {
  configure("allow_private = \"true\"\nretry_max_delay = \"1s\"\ntimeout = \"1s\"\n",
            generic_block("soc", receiver_url()));
  const std::string name = mint("dns", "prod");
  const std::string other = mint("dns", "backup");
  // First the receiver answers too late: canarytrap gives up on the answer after 1 s, though
  // the receiver did take the alert. The retry is then a duplicate, which the id lets the
  // receiver drop: at-least-once delivery, exactly once for the receiver.
  set_mode("sleep 3");
  start_receiver();
  start_serve();
  dns_hit(name);
  ASSERT_TRUE(eventually([&] {
    json l = alerts_list();
    return !l.empty() && l[0]["last_error"].get<std::string>().find("timed out") != std::string::npos;
  }, 10)) << alerts_list().dump(2);
  set_mode("500");
  const std::size_t before = received().size();
  ASSERT_TRUE(eventually([&] { return received().size() >= before + 2; }, 15)) << statuses();
  set_mode("429 1");
  ASSERT_TRUE(eventually([&] {
    auto r = received();
    return !r.empty() && r.back()["status"] == 429;
  }, 10)) << statuses() << alerts_list().dump(2);
  set_mode("ok");
  ASSERT_TRUE(eventually([&] { return all_delivered(); }, 10)) << alerts_list().dump(2);
  EXPECT_GE(alerts_list()[0]["attempts"].get<int>(), 4);
  EXPECT_EQ(accepted().size(), 1u);
  bool duplicate_seen = false;
  for (const auto& r : received()) duplicate_seen = duplicate_seen || r["duplicate"] == true;
  EXPECT_TRUE(duplicate_seen);

  // A 400 is the receiver refusing the alert itself: three tries, then failed, and listed.
  set_mode("400");
  dns_hit(other);
  ASSERT_TRUE(eventually([&] {
    for (const auto& al : alerts_list()) {
      if (al["state"] == "failed") return true;
    }
    return false;
  }, 15)) << alerts_list().dump(2);
  json failed;
  for (const auto& al : alerts_list()) {
    if (al["state"] == "failed") failed = al;
  }
  EXPECT_EQ(failed["attempts"], 3);
  EXPECT_EQ(failed["last_status"], 400);
  auto text = ct({"alerts", "list"});
  EXPECT_NE(text.out.find("failed"), std::string::npos);
  EXPECT_NE(text.out.find("HTTP 400"), std::string::npos);
  // Fixed on the receiver's side: retried by hand, delivered.
  set_mode("ok");
  auto retried = ct({"alerts", "retry", failed["id"]});
  ASSERT_EQ(retried.exit_code, 0) << retried.err;
  ASSERT_TRUE(eventually([&] { return all_delivered(); }, 10)) << alerts_list().dump(2);
  EXPECT_EQ(accepted().size(), 2u);
  EXPECT_EQ(serve_->stop(SIGTERM), 0) << serve_->err();
}

TEST_F(AlertsTest, PrivateDestinationsAreRefusedUnlessAllowed) {
  configure("", generic_block("soc", receiver_url()));
  start_receiver();
  auto test = ct({"alerts", "test", "soc"});
  expect_one_line_error(test, 1, "private, loopback or link-local");
  const std::string name = mint("dns", "prod");
  start_serve();
  dns_hit(name);
  ASSERT_TRUE(eventually([&] {
    json l = alerts_list();
    return !l.empty() && l[0]["state"] == "failed";
  }, 10));
  EXPECT_NE(alerts_list()[0]["last_error"].get<std::string>().find("127.0.0.1"), std::string::npos);
  EXPECT_TRUE(received().empty());
  EXPECT_EQ(serve_->stop(SIGTERM), 0) << serve_->err();

  // Allowed: the test event arrives signed, and the failed alert goes out on retry.
  configure("allow_private = \"true\"\n", "");
  auto ok = ct({"alerts", "test", "soc"});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("delivered"), std::string::npos);
  ASSERT_EQ(accepted_events("test").size(), 1u);
  auto retried = ct({"alerts", "retry", "--failed"});
  ASSERT_EQ(retried.exit_code, 0) << retried.err;
  EXPECT_NE(retried.out.find("queued 1 alert"), std::string::npos);
  start_serve();
  ASSERT_TRUE(eventually([&] { return all_delivered(); }, 10)) << alerts_list().dump(2);
  EXPECT_EQ(accepted_events("incident.opened").size(), 1u);
  EXPECT_EQ(serve_->stop(SIGTERM), 0) << serve_->err();
}

TEST_F(AlertsTest, HttpsDestinationsAreVerified) {
  auto cert = run_process({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                           "/CN=localhost", "-addext", "subjectAltName=DNS:localhost", "-keyout",
                           (dir_ / "key.pem").string(), "-out", (dir_ / "cert.pem").string()});
  ASSERT_EQ(cert.exit_code, 0) << cert.err;
  configure("allow_private = \"true\"\n", generic_block("soc", receiver_url("https")));
  start_receiver({{"RECEIVER_TLS_CERT", (dir_ / "cert.pem").string()}, {"RECEIVER_TLS_KEY", (dir_ / "key.pem").string()}});
  // Not in the system store: refused.
  auto untrusted = ct({"alerts", "test", "soc"});
  expect_one_line_error(untrusted, 1, "certificate verify failed");
  EXPECT_TRUE(accepted().empty());
  // Trusted through alerts.ca_file: delivered.
  configure("ca_file = \"cert.pem\"\n", "");
  auto trusted = ct({"alerts", "test", "soc"});
  ASSERT_EQ(trusted.exit_code, 0) << trusted.err;
  EXPECT_EQ(accepted_events("test").size(), 1u);
}

TEST_F(AlertsTest, BadAlertConfigIsOneLine) {
  configure("", "[[alert]]\nname = \"soc\"\nkind = \"pagerduty\"\nurl = \"https://x.example\"\n");
  expect_one_line_error(ct({"alerts", "list"}), 1, "kind must be generic, slack, discord, teams or jsonl");
}

}  // namespace
}  // namespace canarytrap::testing
