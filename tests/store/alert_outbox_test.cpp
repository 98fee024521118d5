// The alert outbox in the registry: which alerts hits write, digests, order, outcomes.
#include <gtest/gtest.h>

#include <map>

#include "canarytrap/store/mint.h"
#include "support/temp_dir.h"

namespace canarytrap {
namespace {

using testing::TempDir;
using namespace std::chrono_literals;
using Outcome = Registry::AttemptOutcome;

class AlertOutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = Registry::open(dir_ / "r.db", {.create_if_missing = true});
    ASSERT_TRUE(r) << r.status().message();
    reg_ = std::move(*r);
    reg_->set_alert_routes({{"soc", {}, false}, {"vendor-only", {"vendor"}, false}, {"pager", {}, true}});
  }
  std::int64_t mint(const std::string& copy) {
    auto m = mint_canaries(*reg_, minter_, {CanaryKind::kDns, copy, "", 1}, system_clock());
    EXPECT_TRUE(m) << m.status().message();
    return (*m)[0].id;
  }
  NewHit hit(std::int64_t canary, TimePoint at, bool automated = false) {
    NewHit h;
    h.canary_id = canary;
    h.channel = "dns";
    h.at = at;
    h.source = "198.51.100.7:53";
    h.automated = automated;
    if (automated) h.automated_reason = "test";
    return h;
  }
  // Alerts oldest first, as "destination event".
  std::vector<std::string> alerts() {
    auto rows = reg_->list_alerts(1000);
    EXPECT_TRUE(rows) << rows.status().message();
    std::vector<std::string> out;
    for (auto it = rows->rbegin(); it != rows->rend(); ++it) out.push_back(it->destination + " " + it->event);
    return out;
  }

  TempDir dir_;
  TriggerMinter minter_{{"canary.example.net", {"mail.example.net"}, "http"}};
  std::unique_ptr<Registry> reg_;
  const TimePoint t0 = SystemClock().now();
};

TEST_F(AlertOutboxTest, OpeningAnIncidentWritesOneAlertPerMatchingRoute) {
  const std::int64_t prod = mint("prod");
  ASSERT_TRUE(reg_->insert_hits({hit(prod, t0), hit(prod, t0 + 1s)}, 24h).ok());
  EXPECT_EQ(alerts(), (std::vector<std::string>{"soc incident.opened", "pager incident.opened"}));
  auto rows = reg_->list_alerts(10);
  ASSERT_TRUE(rows);
  for (const auto& a : *rows) {
    EXPECT_EQ(a.hit_from, 0);
    EXPECT_EQ(a.state(), "pending");
    EXPECT_EQ(a.uid.rfind("alrt_", 0), 0u);
    // Both hits of the opening batch are in the opening alert.
    auto ctx = reg_->alert_context(a);
    ASSERT_TRUE(ctx) << ctx.status().message();
    EXPECT_EQ(ctx->hits.size(), 2u);
    EXPECT_EQ(ctx->incident.copy, "prod");
    ASSERT_EQ(ctx->canaries.size(), 1u);
    EXPECT_EQ(ctx->canaries[0].copies, std::vector<std::string>{"prod"});
  }
  EXPECT_NE((*rows)[0].uid, (*rows)[1].uid);
}

TEST_F(AlertOutboxTest, LaterHitsBecomeOneDigestPerIntervalCountingEveryHit) {
  const std::int64_t vendor = mint("vendor");
  ASSERT_TRUE(reg_->insert_hits({hit(vendor, t0)}, 24h).ok());
  ASSERT_EQ(alerts().size(), 3u);
  for (int i = 1; i <= 5; ++i) ASSERT_TRUE(reg_->insert_hits({hit(vendor, t0 + i * 1s)}, 24h).ok());
  // The opening alert was just written: within the interval, no digest yet.
  auto none = reg_->create_digests(SystemClock().now(), 10min);
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, 0);
  auto made = reg_->create_digests(SystemClock().now() + 11min, 10min);
  ASSERT_TRUE(made);
  EXPECT_EQ(*made, 1);
  auto rows = reg_->list_alerts(10);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 6u);
  const AlertRow& digest = rows->front();
  EXPECT_EQ(digest.event, "incident.digest");
  auto ctx = reg_->alert_context(digest);
  ASSERT_TRUE(ctx);
  EXPECT_EQ(ctx->hits.size(), 5u);  // every hit after the opening one, once
  EXPECT_EQ(ctx->incident_hits, 6);
  EXPECT_EQ(format_time(ctx->incident.last_hit_at), format_time(t0 + 5s));
  // Nothing new: no further digest, however late.
  auto again = reg_->create_digests(SystemClock().now() + 1h, 10min);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, 0);
}

TEST_F(AlertOutboxTest, LowConfidenceSkipsHighOnlyRoutesUntilAPersonHits) {
  const std::int64_t prod = mint("prod");
  ASSERT_TRUE(reg_->insert_hits({hit(prod, t0, true)}, 24h).ok());
  EXPECT_EQ(alerts(), (std::vector<std::string>{"soc incident.opened"}));
  ASSERT_TRUE(reg_->insert_hits({hit(prod, t0 + 1s, true)}, 24h).ok());
  EXPECT_EQ(alerts().size(), 1u);
  ASSERT_TRUE(reg_->insert_hits({hit(prod, t0 + 2s, false)}, 24h).ok());
  EXPECT_EQ(alerts(), (std::vector<std::string>{"soc incident.opened", "soc incident.updated", "pager incident.updated"}));
}

TEST_F(AlertOutboxTest, AlertsOfOneIncidentAreDueInOrderAndOutcomesAreKept) {
  const std::int64_t prod = mint("prod");
  ASSERT_TRUE(reg_->insert_hits({hit(prod, t0)}, 24h).ok());
  ASSERT_TRUE(reg_->insert_hits({hit(prod, t0 + 1s)}, 24h).ok());
  ASSERT_TRUE(reg_->create_digests(SystemClock().now() + 11min, 10min));
  const TimePoint now = SystemClock().now() + 12min;
  auto due = reg_->due_alerts(now, 100);
  ASSERT_TRUE(due);
  // Per destination, only the opening alert: the digest waits for it.
  ASSERT_EQ(due->size(), 2u);
  for (const auto& a : *due) EXPECT_EQ(a.event, "incident.opened");
  const AlertRow soc_open = (*due)[0];
  ASSERT_TRUE(reg_->record_attempt(soc_open.id, Outcome::kRetry, now, now + 5s, 503, "HTTP 503").ok());
  auto later = reg_->due_alerts(now, 100);
  ASSERT_TRUE(later);
  EXPECT_EQ(later->size(), 1u);  // soc's opening alert is not due yet; its digest still waits
  ASSERT_TRUE(reg_->record_attempt(soc_open.id, Outcome::kDelivered, now + 5s, now + 5s, 204, "").ok());
  auto after = reg_->due_alerts(now + 5s, 100);
  ASSERT_TRUE(after);
  ASSERT_EQ(after->size(), 2u);
  EXPECT_EQ((*after)[1].event, "incident.digest");
  EXPECT_EQ((*after)[1].destination, "soc");

  auto list = reg_->list_alerts(100);
  ASSERT_TRUE(list);
  for (const auto& a : *list) {
    if (a.id != soc_open.id) continue;
    EXPECT_EQ(a.state(), "delivered");
    EXPECT_EQ(a.attempts, 2);
    EXPECT_EQ(a.last_status, 204);
  }
}

TEST_F(AlertOutboxTest, FailedAlertsCanBeRetriedAndPayloadsAreFixedOnce) {
  const std::int64_t prod = mint("prod");
  ASSERT_TRUE(reg_->insert_hits({hit(prod, t0)}, 24h).ok());
  auto due = reg_->due_alerts(SystemClock().now(), 100);
  ASSERT_TRUE(due);
  const AlertRow a = (*due)[0];
  ASSERT_TRUE(reg_->set_alert_payload(a.id, "{\"first\":1}").ok());
  ASSERT_TRUE(reg_->set_alert_payload(a.id, "{\"second\":2}").ok());
  const TimePoint now = SystemClock().now();
  ASSERT_TRUE(reg_->record_attempt(a.id, Outcome::kFailed, now, now, 400, "HTTP 400").ok());
  auto listed = reg_->list_alerts(100);
  ASSERT_TRUE(listed);
  for (const auto& row : *listed) {
    if (row.id == a.id) {
      EXPECT_EQ(row.payload, "{\"first\":1}");
      EXPECT_EQ(row.state(), "failed");
      EXPECT_EQ(row.last_error, "HTTP 400");
    }
  }
  auto counts = reg_->alert_counts();
  ASSERT_TRUE(counts);
  std::map<std::string, std::int64_t> failed;
  for (const auto& c : *counts) failed[c.destination] = c.failed;
  EXPECT_EQ(failed[a.destination], 1);
  auto none = reg_->retry_alerts("alrt_nope", now);
  EXPECT_EQ(none.status().code(), Status::Code::kNotFound);
  auto n = reg_->retry_alerts(std::nullopt, now);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 1);
  auto again = reg_->due_alerts(now + 1s, 100);
  ASSERT_TRUE(again);
  bool back = false;
  for (const auto& row : *again) back = back || row.id == a.id;
  EXPECT_TRUE(back);
}

TEST_F(AlertOutboxTest, NoRoutesNoAlerts) {
  reg_->set_alert_routes({});
  const std::int64_t prod = mint("prod");
  ASSERT_TRUE(reg_->insert_hits({hit(prod, t0)}, 24h).ok());
  EXPECT_TRUE(alerts().empty());
  auto made = reg_->create_digests(SystemClock().now() + 1h, 10min);
  ASSERT_TRUE(made);
  EXPECT_EQ(*made, 0);
}

}  // namespace
}  // namespace canarytrap
