// The recorder: observations in, hits out, durably.
//
// It holds every trigger token in an in-memory index (picking up canaries minted while it
// runs), turns matching observations into hits (tagged automated where plainly a machine:
// link unfurlers, crawlers, mail gateways by User-Agent, a resolver repeating a name within
// its TTL), and hands them to one writer thread through a bounded queue. The writer commits
// whatever is queued in one transaction, as soon as there is anything (so under load commits
// group themselves; an idle hit waits well under 50 ms). Listener threads never wait on disk:
// when the queue is full the hit is dropped, counted and logged. stop() drains and commits.
//
//   auto rec = Recorder::start({.registry = cfg.registry_path});
//   rec->observe(std::move(observation));   // from any listener thread
//   rec->stop();                            // on SIGTERM: everything queued is committed
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "canarytrap/core/observation.h"
#include "canarytrap/core/status.h"
#include "canarytrap/store/registry.h"

namespace canarytrap {

struct RecorderStats {
  std::atomic<std::uint64_t> observed{0}, matched{0}, unmatched{0}, dropped{0}, written{0}, automated{0};
  std::atomic<std::uint64_t> commits{0}, commit_failures{0}, last_commit_micros{0}, queue_depth{0};
  std::atomic<std::uint64_t> triggers_indexed{0};
  std::atomic<std::uint64_t> hits_by_channel[3] = {};  // dns, http, smtp (Channel order)
  // Group-commit latency: counts of commits taking at most each bound, then the rest.
  static constexpr double kCommitBuckets[] = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0};
  std::atomic<std::uint64_t> commit_buckets[std::size(kCommitBuckets) + 1] = {};
  std::atomic<std::uint64_t> commit_micros_sum{0};
};

class Recorder final : public ObservationSink {
 public:
  struct Options {
    std::filesystem::path registry;
    std::size_t queue_capacity = 100'000;
    std::chrono::milliseconds index_refresh = std::chrono::milliseconds(1000);
    std::chrono::seconds dns_repeat_window = std::chrono::seconds(60);  // the TTL we answer with
    std::chrono::microseconds incident_quiet_window = std::chrono::hours(24);
    std::string hit_log;  // "" off, "stdout", or a file appended to: one JSON line per committed hit
    std::vector<AlertRoute> alert_routes;  // alerts written in the hits' transaction (alert outbox)
  };

  static Result<std::unique_ptr<Recorder>> start(Options options);
  ~Recorder() override;

  void observe(Observation&& o) override;
  // Refreshes the trigger index now rather than at the next periodic refresh (SIGHUP).
  void refresh_now();
  // Refreshes and waits (up to `timeout`) until canaries registered before the call are
  // known to the listeners; false on timeout. For minting from the dashboard.
  bool refresh_and_wait(std::chrono::milliseconds timeout);
  void stop();
  const RecorderStats& stats() const;

  struct Impl;

 private:
  explicit Recorder(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// `s` with invalid UTF-8 sequences replaced by U+FFFD (hit details are stored as JSON).
std::string valid_utf8(std::string_view s);

// Whether a User-Agent is a known link previewer, crawler or mail gateway; the reason if so.
std::optional<std::string> automated_user_agent(std::string_view user_agent);

}  // namespace canarytrap
