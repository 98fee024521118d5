// When an alert is retried, given up on, or refused: the dispatcher's rules, one by one.
#include <gtest/gtest.h>

#include "canarytrap/alert/dispatcher.h"
#include "canarytrap/alert/webhook_client.h"

namespace canarytrap {
namespace {

using namespace std::chrono_literals;
using Outcome = Registry::AttemptOutcome;

WebhookResult status(int s) {
  WebhookResult r;
  r.status = s;
  return r;
}

RetryDecision decide(const WebhookResult& r, std::int64_t attempts, std::chrono::microseconds age = 0s) {
  return decide_retry(r, attempts, age, 72h, 10min, 1.0);
}

TEST(DeliveryPolicyTest, TwoHundredsAreDelivered) {
  EXPECT_EQ(decide(status(200), 0).outcome, Outcome::kDelivered);
  EXPECT_EQ(decide(status(204), 5).outcome, Outcome::kDelivered);
}

TEST(DeliveryPolicyTest, TransientFailuresBackOffExponentiallyUpToTheCap) {
  for (int s : {0, 408, 429, 500, 502, 503}) {
    auto d = decide(status(s), 0);
    EXPECT_EQ(d.outcome, Outcome::kRetry) << s;
    EXPECT_EQ(d.delay, 1s) << s;
  }
  EXPECT_EQ(decide(status(500), 3).delay, 8s);
  EXPECT_EQ(decide(status(500), 40).delay, 10min);
  // Jitter keeps a delay within the last half of its step.
  auto low = decide_retry(status(500), 3, 0s, 72h, 10min, 0.0);
  EXPECT_EQ(low.delay, 4s);
}

TEST(DeliveryPolicyTest, RetryAfterIsHonoured) {
  WebhookResult r = status(429);
  r.retry_after = 90s;
  EXPECT_EQ(decide(r, 0).delay, 90s);
}

TEST(DeliveryPolicyTest, OtherClientErrorsFailAfterTheThirdTry) {
  EXPECT_EQ(decide(status(400), 0).outcome, Outcome::kRetry);
  EXPECT_EQ(decide(status(404), 1).outcome, Outcome::kRetry);
  EXPECT_EQ(decide(status(404), 2).outcome, Outcome::kFailed);
  EXPECT_EQ(decide(status(301), 2).outcome, Outcome::kFailed);
}

TEST(DeliveryPolicyTest, GivesUpOnlyAtMaxAge) {
  EXPECT_EQ(decide(status(503), 500, 71h).outcome, Outcome::kRetry);
  EXPECT_EQ(decide(status(503), 500, 72h).outcome, Outcome::kFailed);
}

TEST(DeliveryPolicyTest, RefusedUrlsFailAtOnce) {
  WebhookResult r;
  r.refused = true;
  EXPECT_EQ(decide(r, 0).outcome, Outcome::kFailed);
}

TEST(SsrfGuardTest, PrivateLoopbackLinkLocalAndFriendsAreNotPublic) {
  for (const char* ip : {"127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
                         "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1",
                         "fd12:3456::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a00:1", "not an ip"}) {
    EXPECT_FALSE(is_public_address(ip)) << ip;
  }
  for (const char* ip : {"8.8.8.8", "172.32.0.1", "1.1.1.1", "2606:4700::1111", "::ffff:8.8.8.8", "100.128.0.1"}) {
    EXPECT_TRUE(is_public_address(ip)) << ip;
  }
}

TEST(WebhookUrlTest, ParsesAndRedacts) {
  auto u = parse_http_url("https://hooks.slack.com/services/T000/B000/XXXX?x=1");
  ASSERT_TRUE(u.ok());
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->host, "hooks.slack.com");
  EXPECT_EQ(u->port, "443");
  EXPECT_EQ(u->target, "/services/T000/B000/XXXX?x=1");
  EXPECT_EQ(redact_webhook_url("https://hooks.slack.com/services/T000/B000/XXXX"), "https://hooks.slack.com/...");
  auto v6 = parse_http_url("http://[::1]:8443");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, "8443");
  EXPECT_EQ(v6->target, "/");
  EXPECT_FALSE(parse_http_url("ftp://x").ok());
  EXPECT_FALSE(parse_http_url("http://user:pw@host/").ok());
  EXPECT_FALSE(parse_http_url("http://host:99999/").ok());
}

TEST(RetryAfterTest, SecondsOrHttpDate) {
  const auto now = std::chrono::system_clock::from_time_t(1795000000);
  EXPECT_EQ(parse_retry_after("120", now), std::chrono::seconds(120));
  // 1795000000 is Wed, 18 Nov 2026 11:06:40 GMT.
  EXPECT_EQ(parse_retry_after("Wed, 18 Nov 2026 11:07:40 GMT", now), std::chrono::seconds(60));
  EXPECT_EQ(parse_retry_after("soon", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("-5", now), std::nullopt);
}

}  // namespace
}  // namespace canarytrap
