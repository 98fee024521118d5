#include "metrics_text.h"

#include <sstream>

namespace canarytrap::cli {

std::string metrics_text(const ListenerStats& l, const RecorderStats& r, const DispatcherStats* a) {
  std::ostringstream o;
  const auto metric = [&](const char* name, const char* type, const char* help) {
    o << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
  };
  metric("canarytrap_dns_queries_total", "counter", "DNS queries received (UDP and TCP).");
  o << "canarytrap_dns_queries_total " << l.dns_queries.load() << '\n';
  metric("canarytrap_dns_malformed_total", "counter", "DNS queries answered FORMERR/NOTIMP or dropped.");
  o << "canarytrap_dns_malformed_total " << l.dns_malformed.load() << '\n';
  metric("canarytrap_dns_refused_total", "counter", "DNS queries for names outside our zones.");
  o << "canarytrap_dns_refused_total " << l.dns_refused.load() << '\n';
  metric("canarytrap_http_requests_total", "counter", "HTTP(S) requests answered.");
  o << "canarytrap_http_requests_total " << l.http_requests.load() << '\n';
  metric("canarytrap_http_bad_requests_total", "counter", "HTTP requests refused as malformed or too large.");
  o << "canarytrap_http_bad_requests_total " << l.http_bad_requests.load() << '\n';
  metric("canarytrap_smtp_sessions_total", "counter", "SMTP connections.");
  o << "canarytrap_smtp_sessions_total " << l.smtp_sessions.load() << '\n';
  metric("canarytrap_smtp_messages_total", "counter", "SMTP messages received for our domains.");
  o << "canarytrap_smtp_messages_total " << l.smtp_messages.load() << '\n';
  metric("canarytrap_open_connections", "gauge", "TCP connections open on the public listeners.");
  o << "canarytrap_open_connections " << l.open_connections.load() << '\n';
  metric("canarytrap_observations_total", "counter", "Observations by whether they matched a trigger.");
  o << "canarytrap_observations_total{result=\"matched\"} " << r.matched.load() << '\n';
  o << "canarytrap_observations_total{result=\"unmatched\"} " << r.unmatched.load() << '\n';
  metric("canarytrap_hits_total", "counter", "Hits by channel (automated ones included).");
  const char* channels[] = {"dns", "http", "smtp"};
  for (int c = 0; c < 3; ++c) {
    o << "canarytrap_hits_total{channel=\"" << channels[c] << "\"} " << r.hits_by_channel[c].load() << '\n';
  }
  metric("canarytrap_hits_automated_total", "counter", "Hits tagged automated (crawlers, previewers, repeats).");
  o << "canarytrap_hits_automated_total " << r.automated.load() << '\n';
  metric("canarytrap_hits_written_total", "counter", "Hits committed to the registry.");
  o << "canarytrap_hits_written_total " << r.written.load() << '\n';
  metric("canarytrap_hits_dropped_total", "counter", "Hits dropped because the queue was full.");
  o << "canarytrap_hits_dropped_total " << r.dropped.load() << '\n';
  metric("canarytrap_hit_queue_depth", "gauge", "Hits waiting for the writer.");
  o << "canarytrap_hit_queue_depth " << r.queue_depth.load() << '\n';
  metric("canarytrap_commit_failures_total", "counter", "Group commits that failed and were retried.");
  o << "canarytrap_commit_failures_total " << r.commit_failures.load() << '\n';
  metric("canarytrap_triggers_indexed", "gauge", "Trigger values in the in-memory index.");
  o << "canarytrap_triggers_indexed " << r.triggers_indexed.load() << '\n';
  metric("canarytrap_group_commit_seconds", "histogram", "Time to commit one batch of hits.");
  std::uint64_t cumulative = 0;
  for (std::size_t b = 0; b < std::size(RecorderStats::kCommitBuckets); ++b) {
    cumulative += r.commit_buckets[b].load();
    o << "canarytrap_group_commit_seconds_bucket{le=\"" << RecorderStats::kCommitBuckets[b] << "\"} " << cumulative
      << '\n';
  }
  cumulative += r.commit_buckets[std::size(RecorderStats::kCommitBuckets)].load();
  o << "canarytrap_group_commit_seconds_bucket{le=\"+Inf\"} " << cumulative << '\n';
  o << "canarytrap_group_commit_seconds_sum " << static_cast<double>(r.commit_micros_sum.load()) / 1e6 << '\n';
  o << "canarytrap_group_commit_seconds_count " << cumulative << '\n';
  if (a) {
    metric("canarytrap_alert_attempts_total", "counter", "Alert delivery attempts by outcome.");
    o << "canarytrap_alert_attempts_total{outcome=\"delivered\"} " << a->delivered.load() << '\n';
    o << "canarytrap_alert_attempts_total{outcome=\"retry\"} " << a->retried.load() << '\n';
    o << "canarytrap_alert_attempts_total{outcome=\"failed\"} " << a->failed.load() << '\n';
    metric("canarytrap_alert_digests_total", "counter", "Digest events written for incidents with new hits.");
    o << "canarytrap_alert_digests_total " << a->digests.load() << '\n';
    metric("canarytrap_alerts_pending", "gauge", "Alerts in the outbox not yet delivered (or failed).");
    o << "canarytrap_alerts_pending " << a->pending.load() << '\n';
  }
  return o.str();
}

}  // namespace canarytrap::cli
