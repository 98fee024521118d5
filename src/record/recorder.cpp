#include "canarytrap/record/recorder.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <malloc.h>

#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unordered_map>

#include "canarytrap/core/clock.h"
#include "canarytrap/core/log.h"
#include "canarytrap/core/normalize.h"
#include "canarytrap/core/tsv.h"
#include "canarytrap/store/registry.h"

namespace canarytrap::data {
extern const std::string_view record_automated_user_agents_tsv;
}

namespace canarytrap {

namespace {

struct UaPattern {
  std::string needle, reason;
};

const std::vector<UaPattern>& ua_patterns() {
  static const std::vector<UaPattern> patterns = [] {
    std::vector<UaPattern> out;
    for (const auto& row : parse_tsv(data::record_automated_user_agents_tsv)) {
      if (row.size() >= 2) out.push_back({ascii_lower(row[0]), std::string(row[1])});
    }
    return out;
  }();
  return patterns;
}

struct IndexEntry {
  std::int64_t trigger_id;
  std::int64_t canary_id;
  Channel channel;
};

// Which trigger channels an observation on a channel may fire: a DNS query only dns
// labels; an HTTP request its host's dns label or its path's http id; mail only addresses.
bool compatible(Channel observed, Channel trigger) {
  if (observed == Channel::kHttp) return trigger == Channel::kHttp || trigger == Channel::kDns;
  return observed == trigger;
}

}  // namespace

// Attacker-sent bytes may be any bytes; JSON (and SQLite's json_valid) wants UTF-8: invalid
// sequences become U+FFFD.
std::string valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool ok = len > 0 && i + len <= s.size();
    for (std::size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    if (ok && len == 2) ok = c >= 0xC2;
    if (ok) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

std::optional<std::string> automated_user_agent(std::string_view user_agent) {
  if (user_agent.empty()) return std::nullopt;
  const std::string ua = ascii_lower(user_agent);
  for (const auto& p : ua_patterns()) {
    if (ua.find(p.needle) != std::string::npos) return p.reason;
  }
  return std::nullopt;
}

struct Recorder::Impl {
  Options options;
  RecorderStats stats;
  std::unique_ptr<Registry> registry;  // used by the writer thread only

  std::shared_mutex index_mutex;
  std::unordered_map<std::string, IndexEntry> index;
  std::int64_t indexed_up_to = 0;

  std::mutex queue_mutex;
  std::condition_variable queue_cv;
  std::vector<NewHit> queue;
  bool stopping = false;
  bool refresh_requested = false;  // SIGHUP: pick up new canaries now, not within a second
  // Refreshes begun and finished, for refresh_and_wait().
  std::mutex refresh_mutex;
  std::condition_variable refresh_cv;
  std::uint64_t refreshes_started = 0, refreshes_finished = 0;
  std::thread writer;

  std::mutex repeat_mutex;
  std::unordered_map<std::string, TimePoint> dns_seen;  // resolver|qname -> last seen

  std::chrono::steady_clock::time_point last_drop_log{};
  std::FILE* hit_log = nullptr;  // owned unless it is stdout

  // After a commit: the same hits as JSON lines (schema canarytrap.hit.v1, docs/hit-log.md).
  void log_hits(const std::vector<NewHit>& batch) {
    if (!hit_log) return;
    std::string out;
    for (const NewHit& h : batch) {
      out += "{\"schema\":\"canarytrap.hit.v1\",\"at\":\"" + format_time(h.at) + "\",\"channel\":\"" + h.channel +
             "\",\"canary_id\":" + std::to_string(h.canary_id) + ",\"trigger_id\":" +
             (h.trigger_id ? std::to_string(*h.trigger_id) : "null") + ",\"source\":\"" + json_escape(h.source) +
             "\",\"automated\":" + (h.automated ? "true" : "false") + ",\"automated_reason\":" +
             (h.automated_reason.empty() ? "null" : "\"" + json_escape(h.automated_reason) + "\"") +
             ",\"details\":" + h.details_json + "}\n";
    }
    if (std::fwrite(out.data(), 1, out.size(), hit_log) != out.size() || std::fflush(hit_log) != 0) {
      spdlog::error("writing the hit log failed: {}", std::strerror(errno));
    }
  }

  // Adds triggers registered since the last call. Straight into the map, under the lock:
  // the first load has no readers yet, later ones bring a handful of new canaries.
  Status refresh_index() {
    std::unique_lock lock(index_mutex);
    const bool first = index.empty();
    CT_RETURN_IF_ERROR(registry->for_each_trigger(indexed_up_to, [&](const IndexedTrigger& t) {
      index[t.token] = {t.trigger_id, t.canary_id, t.channel};
      indexed_up_to = t.trigger_id;
    }));
    stats.triggers_indexed.store(index.size());
    if (first) ::malloc_trim(0);  // give the loader's transient memory back to the system
    return Status::Ok();
  }

  void writer_loop() {
    auto next_refresh = std::chrono::steady_clock::now() + options.index_refresh;
    std::vector<NewHit> batch;
    for (;;) {
      {
        std::unique_lock lock(queue_mutex);
        queue_cv.wait_until(lock, next_refresh, [&] { return stopping || !queue.empty() || refresh_requested; });
        if (refresh_requested) {
          refresh_requested = false;
          next_refresh = std::chrono::steady_clock::now();
        }
        batch.swap(queue);
        stats.queue_depth.store(0);
        if (batch.empty() && stopping) return;
      }
      if (!batch.empty()) {
        const std::size_t size = batch.size();
        commit(batch);
        // A small batch under a steady stream: gather for a moment before the next commit,
        // so that commits (and wake-ups) stay few. Well inside the 50 ms durability bound.
        if (size < 256) {
          std::unique_lock lock(queue_mutex);
          queue_cv.wait_for(lock, std::chrono::milliseconds(2), [&] { return stopping || queue.size() >= 256; });
        }
      }
      if (std::chrono::steady_clock::now() >= next_refresh) {
        {
          std::lock_guard lock(refresh_mutex);
          ++refreshes_started;
        }
        if (Status s = refresh_index(); !s.ok()) spdlog::warn("trigger index refresh failed: {}", s.message());
        {
          std::lock_guard lock(refresh_mutex);
          ++refreshes_finished;
        }
        refresh_cv.notify_all();
        next_refresh = std::chrono::steady_clock::now() + options.index_refresh;
      }
    }
  }

  void commit(std::vector<NewHit>& batch) {
    const auto start = std::chrono::steady_clock::now();
    // A locked or full registry: retry with back-off; hits stay in memory meanwhile (the
    // listeners keep answering; the queue bound still holds for new ones).
    for (int attempt = 0;; ++attempt) {
      Status s = registry->insert_hits(batch, options.incident_quiet_window);
      if (s.ok()) break;
      stats.commit_failures.fetch_add(1);
      spdlog::error("writing {} hits failed (attempt {}): {}", batch.size(), attempt + 1, s.message());
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min(2000, 50 << std::min(attempt, 5))));
    }
    log_hits(batch);
    stats.written.fetch_add(batch.size());
    stats.commits.fetch_add(1);
    const auto micros = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count());
    stats.last_commit_micros.store(micros);
    stats.commit_micros_sum.fetch_add(micros);
    std::size_t b = 0;
    while (b < std::size(RecorderStats::kCommitBuckets) && micros > RecorderStats::kCommitBuckets[b] * 1e6) ++b;
    stats.commit_buckets[b].fetch_add(1);
    batch.clear();
  }

  // A resolver asking the same name again within the TTL is a cache refresh or a retry.
  bool dns_repeat(const Observation& o, const std::string& qname) {
    const std::string resolver = o.source.substr(0, o.source.rfind(':'));
    const std::string key = resolver + "|" + ascii_lower(qname);
    std::lock_guard lock(repeat_mutex);
    if (dns_seen.size() > 100'000) dns_seen.clear();  // bounded under a flood
    auto [it, inserted] = dns_seen.try_emplace(key, o.at);
    if (inserted) return false;
    const bool repeat = o.at - it->second < options.dns_repeat_window;
    it->second = o.at;
    return repeat;
  }
};

Recorder::Recorder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Recorder::~Recorder() { stop(); }

Result<std::unique_ptr<Recorder>> Recorder::start(Options options) {
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  auto reg = Registry::open(impl->options.registry, {.create_if_missing = false, .cache_mib = 8, .sync_full = false});
  if (!reg) return reg.status();
  impl->registry = std::move(*reg);
  impl->registry->set_alert_routes(impl->options.alert_routes);
  CT_RETURN_IF_ERROR(impl->refresh_index());
  if (impl->options.hit_log == "stdout") {
    impl->hit_log = stdout;
  } else if (!impl->options.hit_log.empty()) {
    impl->hit_log = std::fopen(impl->options.hit_log.c_str(), "a");
    if (!impl->hit_log) {
      return Status::IoError("log.hits " + impl->options.hit_log + ": " + std::strerror(errno));
    }
  }
  impl->queue.reserve(1024);
  Impl* raw = impl.get();
  impl->writer = std::thread([raw] { raw->writer_loop(); });
  return std::unique_ptr<Recorder>(new Recorder(std::move(impl)));
}

void Recorder::observe(Observation&& o) {
  auto& s = impl_->stats;
  s.observed.fetch_add(1, std::memory_order_relaxed);
  std::optional<IndexEntry> match;
  {
    std::shared_lock lock(impl_->index_mutex);
    // A trigger of the observation's own channel wins (an http hit names the URL's token,
    // not the dns label in its host); any compatible one otherwise.
    for (const auto& token : o.tokens) {
      auto it = impl_->index.find(token);
      if (it == impl_->index.end() || !compatible(o.channel, it->second.channel)) continue;
      if (!match || it->second.channel == o.channel) match = it->second;
      if (it->second.channel == o.channel) break;
    }
  }
  if (!match) {
    s.unmatched.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  s.matched.fetch_add(1, std::memory_order_relaxed);
  s.hits_by_channel[static_cast<int>(o.channel)].fetch_add(1, std::memory_order_relaxed);

  NewHit hit;
  hit.canary_id = match->canary_id;
  hit.trigger_id = match->trigger_id;
  hit.channel = std::string(channel_name(o.channel));
  hit.at = o.at;
  hit.source = o.source;
  // The details as a JSON object, written by hand: this runs once per hit on a listener thread.
  std::string details = "{";
  std::string_view user_agent, qname;
  bool has_message = o.channel != Channel::kSmtp;
  for (const auto& [k, v] : o.details) {
    if (k == "user_agent") user_agent = v;
    if (k == "qname") qname = v;
    if (k == "subject") has_message = true;
    if (details.size() > 1) details += ',';
    details += '"' + json_escape(k) + "\":\"" + json_escape(valid_utf8(v)) + '"';
  }
  details += '}';
  if (auto reason = automated_user_agent(user_agent)) {
    hit.automated = true;
    hit.automated_reason = "user agent: " + *reason;
  } else if (o.channel == Channel::kDns && impl_->dns_repeat(o, std::string(qname))) {
    hit.automated = true;
    hit.automated_reason = "repeat from the same resolver within the TTL";
  } else if (!has_message) {
    hit.automated = true;
    hit.automated_reason = "recipient checked without a message (address verification)";
  }
  if (hit.automated) s.automated.fetch_add(1, std::memory_order_relaxed);
  hit.details_json = std::move(details);

  {
    std::lock_guard lock(impl_->queue_mutex);
    if (impl_->queue.size() >= impl_->options.queue_capacity) {
      s.dropped.fetch_add(1, std::memory_order_relaxed);
      const auto now = std::chrono::steady_clock::now();
      if (now - impl_->last_drop_log > std::chrono::seconds(5)) {
        impl_->last_drop_log = now;
        spdlog::error("hit queue full ({} hits): dropping hits; {} dropped so far", impl_->queue.size(),
                      s.dropped.load());
      }
      return;
    }
    impl_->queue.push_back(std::move(hit));
    s.queue_depth.store(impl_->queue.size(), std::memory_order_relaxed);
    // Only the first hit of a batch wakes the writer: under load the others find it busy,
    // and a wake-up per hit costs a futex call and a context switch each.
    if (impl_->queue.size() > 1) return;
  }
  impl_->queue_cv.notify_one();
}

void Recorder::refresh_now() {
  {
    std::lock_guard lock(impl_->queue_mutex);
    impl_->refresh_requested = true;
  }
  impl_->queue_cv.notify_one();
}

bool Recorder::refresh_and_wait(std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->refresh_mutex);
  // A refresh already under way may have read the registry before the caller's write.
  const std::uint64_t after = impl_->refreshes_started;
  refresh_now();
  return impl_->refresh_cv.wait_for(lock, timeout, [&] { return impl_->refreshes_finished > after; });
}

void Recorder::stop() {
  if (!impl_ || !impl_->writer.joinable()) return;
  {
    std::lock_guard lock(impl_->queue_mutex);
    impl_->stopping = true;
  }
  impl_->queue_cv.notify_one();
  impl_->writer.join();
  if (impl_->hit_log && impl_->hit_log != stdout) std::fclose(impl_->hit_log);
  impl_->hit_log = nullptr;
}

const RecorderStats& Recorder::stats() const { return impl_->stats; }

}  // namespace canarytrap
