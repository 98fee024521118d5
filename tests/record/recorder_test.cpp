#include "canarytrap/record/recorder.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <thread>

#include "canarytrap/store/mint.h"
#include "support/temp_dir.h"

namespace canarytrap {
namespace {

using testing::TempDir;

class RecorderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = Registry::open(dir_ / "r.db", {.create_if_missing = true});
    ASSERT_TRUE(r) << r.status().message();
    reg_ = std::move(*r);
  }
  CanaryRow mint(CanaryKind kind, const std::string& copy = "prod-db") {
    auto m = mint_canaries(*reg_, minter_, {kind, copy, "", 1}, system_clock());
    EXPECT_TRUE(m) << m.status().message();
    return (*m)[0];
  }
  std::unique_ptr<Recorder> recorder(std::size_t capacity = 1000) {
    Recorder::Options o;
    o.registry = dir_ / "r.db";
    o.queue_capacity = capacity;
    o.index_refresh = std::chrono::milliseconds(20);
    auto r = Recorder::start(o);
    EXPECT_TRUE(r) << r.status().message();
    return std::move(*r);
  }
  static Observation dns(const std::string& qname, const std::string& source = "198.51.100.7:5353") {
    Observation o;
    o.channel = Channel::kDns;
    o.at = system_clock().now();
    o.source = source;
    std::size_t start = 0;
    while (start < qname.size()) {
      auto dot = qname.find('.', start);
      if (dot == std::string::npos) dot = qname.size();
      o.tokens.push_back(qname.substr(start, dot - start));
      start = dot + 1;
    }
    o.details = {{"qname", qname}, {"qtype", "A"}};
    return o;
  }
  std::vector<HitRow> hits() {
    auto h = reg_->list_hits({});
    EXPECT_TRUE(h);
    return h ? *h : std::vector<HitRow>{};
  }

  TempDir dir_;
  TriggerMinter minter_{{"canary.example.net", {"mail.example.net"}, "http"}};
  std::unique_ptr<Registry> reg_;
};

TEST_F(RecorderTest, MatchingObservationsBecomeHitsOnStop) {
  const CanaryRow d = mint(CanaryKind::kDns);
  auto rec = recorder();
  rec->observe(dns("x." + d.primary()->value));
  rec->observe(dns("nothing.canary.example.net"));
  rec->stop();
  EXPECT_EQ(rec->stats().matched.load(), 1u);
  EXPECT_EQ(rec->stats().unmatched.load(), 1u);
  auto h = hits();
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].canary_id, d.id);
  EXPECT_EQ(h[0].channel, "dns");
  EXPECT_EQ(h[0].copy, "prod-db");
  EXPECT_EQ(h[0].source, "198.51.100.7:5353");
  EXPECT_EQ(h[0].trigger_value, d.primary()->value);
  EXPECT_EQ(nlohmann::json::parse(h[0].details_json)["qname"], "x." + d.primary()->value);
  EXPECT_FALSE(h[0].automated);
}

TEST_F(RecorderTest, ChannelsOnlyFireTheirOwnKindOfTrigger) {
  const CanaryRow http = mint(CanaryKind::kHttp);
  auto rec = recorder();
  // The URL's path id is an http trigger: a DNS query naming it does not fire...
  Observation wrong = dns(http.triggers[0].token + ".canary.example.net");
  rec->observe(std::move(wrong));
  // ...an HTTP request carrying it does, and so does one whose host is the dns label.
  Observation get;
  get.channel = Channel::kHttp;
  get.at = system_clock().now();
  get.source = "203.0.113.5:40000";
  get.tokens = {http.triggers[1].token};
  get.details = {{"user_agent", "Mozilla/5.0"}, {"target", "/"}};
  rec->observe(std::move(get));
  rec->stop();
  EXPECT_EQ(rec->stats().matched.load(), 1u);
  ASSERT_EQ(hits().size(), 1u);
  EXPECT_EQ(hits()[0].channel, "http");
}

TEST_F(RecorderTest, MachinesAreTaggedAutomatedButStillRecorded) {
  const CanaryRow http = mint(CanaryKind::kHttp);
  const CanaryRow d = mint(CanaryKind::kDns);
  auto rec = recorder();
  Observation get;
  get.channel = Channel::kHttp;
  get.at = system_clock().now();
  get.source = "203.0.113.5:40000";
  get.tokens = {http.triggers[0].token};
  get.details = {{"user_agent", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"}};
  rec->observe(std::move(get));
  rec->observe(dns(d.primary()->value, "198.51.100.7:1111"));
  rec->observe(dns(d.primary()->value, "198.51.100.7:2222"));  // same resolver, within the TTL
  rec->observe(dns(d.primary()->value, "198.51.100.8:3333"));  // another resolver
  rec->stop();
  auto h = hits();
  ASSERT_EQ(h.size(), 4u);
  int automated = 0;
  for (const auto& hit : h) {
    if (!hit.automated) continue;
    ++automated;
    EXPECT_TRUE(hit.automated_reason.find("Slack") != std::string::npos ||
                hit.automated_reason.find("TTL") != std::string::npos)
        << hit.automated_reason;
  }
  EXPECT_EQ(automated, 2);
  EXPECT_FALSE(automated_user_agent("Mozilla/5.0 (X11; Linux x86_64)"));
  EXPECT_TRUE(automated_user_agent("Mozilla/5.0 (compatible; Googlebot/2.1)"));
}

TEST_F(RecorderTest, AttackerBytesAreStoredAsValidJson) {
  const CanaryRow http = mint(CanaryKind::kHttp);
  auto rec = recorder();
  Observation get;
  get.channel = Channel::kHttp;
  get.at = system_clock().now();
  get.source = "203.0.113.5:40000";
  get.tokens = {http.triggers[0].token};
  get.details = {{"user_agent", std::string("\xff\xfe\"quoted\"\n<script>\x01", 20)}, {"target", "/\xc3\xa9t\xc3"}};
  rec->observe(std::move(get));
  rec->stop();
  auto h = hits();
  ASSERT_EQ(h.size(), 1u);
  auto j = nlohmann::json::parse(h[0].details_json);
  EXPECT_EQ(j["user_agent"], "\xEF\xBF\xBD\xEF\xBF\xBD\"quoted\"\n<script>\x01");
  EXPECT_EQ(j["target"], "/\xc3\xa9t\xEF\xBF\xBD");
  EXPECT_EQ(valid_utf8("plain"), "plain");
  EXPECT_EQ(valid_utf8("\xc0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong NUL
}

TEST_F(RecorderTest, CanariesMintedWhileRunningArePickedUp) {
  auto rec = recorder();
  const CanaryRow d = mint(CanaryKind::kDns);
  for (int i = 0; i < 200 && rec->stats().triggers_indexed.load() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  rec->observe(dns(d.primary()->value));
  rec->stop();
  EXPECT_EQ(hits().size(), 1u);
}

TEST_F(RecorderTest, RefreshAndWaitReturnsOnceNewCanariesAreKnown) {
  Recorder::Options o;
  o.registry = dir_ / "r.db";
  o.index_refresh = std::chrono::hours(1);  // only an explicit refresh can pick it up
  auto rec = Recorder::start(o);
  ASSERT_TRUE(rec) << rec.status().message();
  const CanaryRow d = mint(CanaryKind::kDns);
  EXPECT_EQ((*rec)->stats().triggers_indexed.load(), 0u);
  ASSERT_TRUE((*rec)->refresh_and_wait(std::chrono::seconds(5)));
  EXPECT_EQ((*rec)->stats().triggers_indexed.load(), 1u);
  (*rec)->observe(dns(d.primary()->value));
  (*rec)->stop();
  EXPECT_EQ(hits().size(), 1u);
}

TEST_F(RecorderTest, AFullQueueDropsAndCounts) {
  const CanaryRow d = mint(CanaryKind::kDns);
  auto rec = recorder(0);  // no room at all
  for (int i = 0; i < 5; ++i) rec->observe(dns(d.primary()->value, "198.51.100." + std::to_string(i) + ":53"));
  rec->stop();
  EXPECT_EQ(rec->stats().dropped.load(), 5u);
  EXPECT_TRUE(hits().empty());
}

TEST_F(RecorderTest, ManyThreadsManyHitsNoneLost) {
  const CanaryRow d = mint(CanaryKind::kDns);
  auto rec = recorder(1'000'000);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2500; ++i) rec->observe(dns(d.primary()->value, "10.0." + std::to_string(t) + ".1:" + std::to_string(i)));
    });
  }
  for (auto& t : threads) t.join();
  rec->stop();
  EXPECT_EQ(rec->stats().written.load(), 10'000u);
  auto all = reg_->list_hits({.limit = 100'000});
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 10'000u);
  EXPECT_GT(rec->stats().commits.load(), 0u);
}

}  // namespace
}  // namespace canarytrap
