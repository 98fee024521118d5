// The alert dispatcher: delivers the registry's alert outbox, in `serve`.
//
// A thread with its own registry connection. About four times a second it turns new hits
// into digests (once per digest interval per incident), takes the alerts that are due (the
// oldest pending one of each incident per destination: alerts of one incident arrive in
// order), renders each body once (stored, so that every retry sends the same bytes), signs
// it, sends up to `concurrency` per destination at once and records each outcome:
//
//   2xx                              delivered
//   408, 429, 5xx, timeouts, no      retried with exponential back-off and jitter (Retry-After
//   connection                       honoured) until the alert is `max_age` old, then failed
//   other 3xx/4xx                    retried, failed after the third
//   refused URL (SSRF guard), no     failed at once
//   such destination, unreadable
//   secret
//
// Nothing is dropped: failed alerts stay in the outbox, in `alerts list`, in /metrics and in
// the log, and `alerts retry` queues them again.
//
//   auto d = AlertDispatcher::start(options);
//   ...
//   (*d)->stop();
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "canarytrap/alert/webhook_client.h"
#include "canarytrap/core/config.h"
#include "canarytrap/core/status.h"
#include "canarytrap/store/registry.h"

namespace canarytrap {

struct DispatcherStats {
  std::atomic<std::uint64_t> attempts{0}, delivered{0}, retried{0}, failed{0}, digests{0};
  std::atomic<std::uint64_t> pending{0};  // in the outbox at the last look
};

// What happens after an attempt, given the result and the alert's history.
struct RetryDecision {
  Registry::AttemptOutcome outcome = Registry::AttemptOutcome::kRetry;
  std::chrono::microseconds delay{0};
};
RetryDecision decide_retry(const WebhookResult& result, std::int64_t attempts_before, std::chrono::microseconds age,
                           std::chrono::microseconds max_age, std::chrono::microseconds max_delay, double jitter01);

// Alert routes from the config's [[alert]] blocks.
std::vector<AlertRoute> alert_routes(const std::vector<AlertDestination>& destinations);

// Headers and body for one alert to one destination (shared with `alerts test`).
Result<WebhookRequest> webhook_request(const AlertDestination& destination, const std::string& alert_uid,
                                       const std::string& generic_body, std::int64_t unix_now);

// Appends one line to a jsonl destination ("stdout" or a file, fsync'd).
Status append_jsonl(const AlertDestination& destination, const std::string& line);

// `alerts test NAME` and the dashboard's test button: a test alert (event "test", no
// incident) sent at once to one destination, outside the outbox.
struct TestAlertResult {
  std::string uid;
  bool delivered = false;
  int status = 0;     // HTTP status; 200 for a jsonl line written
  std::string error;  // why not delivered
};
Result<TestAlertResult> send_test_alert(const AlertDestination& destination, const WebhookOptions& options);

class AlertDispatcher {
 public:
  struct Options {
    std::filesystem::path registry;
    std::vector<AlertDestination> destinations;
    std::chrono::microseconds digest_interval{std::chrono::minutes(10)};
    std::chrono::microseconds max_age{std::chrono::hours(72)};
    std::chrono::microseconds max_delay{std::chrono::minutes(10)};
    std::string dashboard_url;
    WebhookOptions webhook;
    int concurrency = 4;
    std::chrono::milliseconds poll{250};
  };

  static Result<std::unique_ptr<AlertDispatcher>> start(Options options);
  ~AlertDispatcher();
  void stop();
  const DispatcherStats& stats() const;

  struct Impl;

 private:
  explicit AlertDispatcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace canarytrap
