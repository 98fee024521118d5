#include "canarytrap/alert/dispatcher.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <condition_variable>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "canarytrap/alert/payload.h"
#include "canarytrap/alert/signature.h"
#include "canarytrap/core/secure_random.h"
#include "canarytrap/version.h"

namespace canarytrap {

using std::chrono::microseconds;

RetryDecision decide_retry(const WebhookResult& r, std::int64_t attempts_before, microseconds age, microseconds max_age,
                           microseconds max_delay, double jitter01) {
  using Outcome = Registry::AttemptOutcome;
  if (r.status >= 200 && r.status < 300) return {Outcome::kDelivered, microseconds(0)};
  if (r.refused) return {Outcome::kFailed, microseconds(0)};
  const bool transient = r.status == 0 || r.status == 408 || r.status == 429 || r.status >= 500;
  if (!transient && attempts_before + 1 >= 3) return {Outcome::kFailed, microseconds(0)};
  // 1 s, 2 s, 4 s ... up to max_delay; jitter spreads retries of many alerts over the last
  // half of each step so that a recovering receiver is not hit by all of them at once.
  const int shift = static_cast<int>(std::min<std::int64_t>(attempts_before, 30));
  microseconds delay = std::min<microseconds>(max_delay, microseconds(1'000'000) * (std::int64_t{1} << std::min(shift, 20)));
  delay = microseconds(static_cast<std::int64_t>(static_cast<double>(delay.count()) * (0.5 + 0.5 * jitter01)));
  if (r.retry_after) delay = std::max<microseconds>(delay, *r.retry_after);
  if (age + delay > max_age) return {Outcome::kFailed, microseconds(0)};
  return {Outcome::kRetry, delay};
}

std::vector<AlertRoute> alert_routes(const std::vector<AlertDestination>& destinations) {
  std::vector<AlertRoute> routes;
  for (const auto& d : destinations) routes.push_back({d.name, d.copies, d.min_confidence == "high"});
  return routes;
}

namespace {

Result<std::string> read_secret(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::IoError("cannot read secret_file " + file.string());
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  if (s.size() < 16) return Status::InvalidArgument("secret_file " + file.string() + " holds fewer than 16 bytes");
  return s;
}

}  // namespace

Result<WebhookRequest> webhook_request(const AlertDestination& d, const std::string& uid, const std::string& generic,
                                       std::int64_t unix_now) {
  auto body = render_for_kind(d.kind, generic);
  if (!body) return body.status();
  WebhookRequest req{d.url, {}, std::move(*body)};
  req.headers.emplace_back("User-Agent", std::string("canarytrap/") + std::string(kVersion));
  req.headers.emplace_back("Canarytrap-Alert-Id", uid);
  req.headers.emplace_back("Idempotency-Key", uid);
  if (!d.secret_file.empty()) {
    auto secret = read_secret(d.secret_file);
    if (!secret) return secret.status();
    req.headers.emplace_back(std::string(kSignatureHeader), sign_webhook(*secret, unix_now, req.body));
  }
  return req;
}

Status append_jsonl(const AlertDestination& d, const std::string& line) {
  std::string text = line;
  for (char& c : text) {
    if (c == '\n') c = ' ';  // one alert, one line (the JSON is compact; this is a guard)
  }
  text += '\n';
  const bool to_stdout = d.url == "stdout";
  const int fd = to_stdout ? STDOUT_FILENO : ::open(d.url.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IoError("opening " + d.url + ": " + std::strerror(errno));
  std::size_t done = 0;
  Status s = Status::Ok();
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      s = Status::IoError("writing " + d.url + ": " + std::strerror(errno));
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  if (s.ok() && !to_stdout && ::fsync(fd) != 0) s = Status::IoError("fsync " + d.url + ": " + std::strerror(errno));
  if (!to_stdout) ::close(fd);
  return s;
}

struct AlertDispatcher::Impl {
  Options options;
  std::unique_ptr<Registry> registry;
  std::unique_ptr<WebhookClient> client;
  DispatcherStats stats;
  std::thread thread;
  std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;
  std::mt19937_64 rng{std::random_device{}()};
  std::chrono::steady_clock::time_point last_digest_check{};

  const AlertDestination* destination(const std::string& name) const {
    for (const auto& d : options.destinations) {
      if (d.name == name) return &d;
    }
    return nullptr;
  }

  void run();
  void round();
  void record(const AlertRow& a, const WebhookResult& r);
};

void AlertDispatcher::Impl::record(const AlertRow& a, const WebhookResult& r) {
  const TimePoint now = SystemClock().now();
  const auto age = std::chrono::duration_cast<microseconds>(now - (a.retried_at ? *a.retried_at : a.created_at));
  std::uniform_real_distribution<double> jitter(0.0, 1.0);
  const RetryDecision d = decide_retry(r, a.attempts, age, options.max_age, options.max_delay, jitter(rng));
  std::string error = r.error;
  if (error.empty() && r.status != 0 && d.outcome != Registry::AttemptOutcome::kDelivered) {
    error = "HTTP " + std::to_string(r.status);
  }
  ++stats.attempts;
  const std::string where = a.uid + " (" + a.event + ") to " + a.destination;
  switch (d.outcome) {
    case Registry::AttemptOutcome::kDelivered:
      ++stats.delivered;
      spdlog::info("alert {} delivered (HTTP {}, attempt {})", where, r.status, a.attempts + 1);
      break;
    case Registry::AttemptOutcome::kRetry:
      ++stats.retried;
      spdlog::warn("alert {} not delivered ({}); retry {} in {} s", where, error, a.attempts + 2,
                   std::chrono::duration_cast<std::chrono::seconds>(d.delay).count());
      break;
    case Registry::AttemptOutcome::kFailed:
      ++stats.failed;
      spdlog::error("alert {} FAILED after {} attempts: {}; `canarytrap alerts retry {}` sends it again", where,
                    a.attempts + 1, error, a.uid);
      break;
  }
  std::optional<std::int64_t> status;
  if (r.status) status = r.status;
  if (Status s = registry->record_attempt(a.id, d.outcome, now, now + d.delay, status, error); !s.ok()) {
    spdlog::error("alert {}: recording the attempt: {}", where, s.message());
  }
}

void AlertDispatcher::Impl::round() {
  const auto steady_now = std::chrono::steady_clock::now();
  if (steady_now - last_digest_check >= std::chrono::seconds(1)) {
    last_digest_check = steady_now;
    auto made = registry->create_digests(SystemClock().now(), options.digest_interval);
    if (!made) {
      spdlog::error("alert digests: {}", made.status().message());
    } else {
      stats.digests += static_cast<std::uint64_t>(*made);
    }
    if (auto counts = registry->alert_counts()) {
      std::uint64_t pending = 0;
      for (const auto& c : *counts) pending += static_cast<std::uint64_t>(c.pending);
      stats.pending = pending;
    }
  }
  auto due = registry->due_alerts(SystemClock().now(), 500);
  if (!due) {
    spdlog::error("alert outbox: {}", due.status().message());
    return;
  }
  std::map<std::string, int> in_flight;
  std::vector<std::pair<AlertRow, WebhookResult>> finished;
  const std::int64_t unix_now = to_unix_micros(SystemClock().now()) / 1'000'000;
  for (AlertRow& a : *due) {
    const AlertDestination* dest = destination(a.destination);
    if (dest && in_flight[a.destination] >= options.concurrency) continue;  // next round
    WebhookResult refused;
    refused.refused = true;
    if (!dest) {
      refused.error = "no [[alert]] named '" + a.destination + "' in the config any more";
      record(a, refused);
      continue;
    }
    if (a.payload.empty()) {
      auto ctx = registry->alert_context(a);
      if (!ctx) {
        refused.error = "rendering: " + ctx.status().message();
        record(a, refused);
        continue;
      }
      a.payload = render_generic_alert(a, *ctx, options.dashboard_url);
      if (Status s = registry->set_alert_payload(a.id, a.payload); !s.ok()) {
        spdlog::error("alert {}: storing its body: {}", a.uid, s.message());
        continue;
      }
    }
    if (dest->kind == "jsonl") {
      Status s = append_jsonl(*dest, a.payload);
      WebhookResult r;
      if (s.ok()) {
        r.status = 200;
      } else {
        r.error = s.message();
      }
      record(a, r);
      continue;
    }
    auto req = webhook_request(*dest, a.uid, a.payload, unix_now);
    if (!req) {
      refused.error = req.status().message();
      record(a, refused);
      continue;
    }
    ++in_flight[a.destination];
    const std::size_t slot = finished.size();
    finished.emplace_back(a, WebhookResult{});
    client->post(std::move(*req), [&finished, slot](const WebhookResult& r) { finished[slot].second = r; });
  }
  client->run();
  for (const auto& [a, r] : finished) record(a, r);
}

void AlertDispatcher::Impl::run() {
  for (;;) {
    round();
    std::unique_lock lock(mu);
    if (cv.wait_for(lock, options.poll, [&] { return stopping; })) return;
  }
}

Result<std::unique_ptr<AlertDispatcher>> AlertDispatcher::start(Options options) {
  auto impl = std::make_unique<Impl>();
  Registry::OpenOptions open;
  open.cache_mib = 8;
  auto reg = Registry::open(options.registry, open);
  if (!reg) return reg.status();
  (*reg)->set_alert_routes(alert_routes(options.destinations));
  impl->registry = std::move(*reg);
  impl->client = std::make_unique<WebhookClient>(options.webhook);
  CT_RETURN_IF_ERROR(impl->client->init_status());
  impl->options = std::move(options);
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->run(); });
  return std::unique_ptr<AlertDispatcher>(new AlertDispatcher(std::move(impl)));
}

AlertDispatcher::AlertDispatcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

AlertDispatcher::~AlertDispatcher() { stop(); }

void AlertDispatcher::stop() {
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->stopping) return;
    impl_->stopping = true;
  }
  impl_->cv.notify_all();
  if (impl_->thread.joinable()) impl_->thread.join();
}

const DispatcherStats& AlertDispatcher::stats() const { return impl_->stats; }

Result<TestAlertResult> send_test_alert(const AlertDestination& destination, const WebhookOptions& options) {
  const TimePoint now = SystemClock().now();
  TestAlertResult out;
  out.uid = "alrt_test_" + secure_random_hex(12);
  const std::string body = render_test_alert(out.uid, destination.name, now);
  WebhookResult result;
  if (destination.kind == "jsonl") {
    CT_RETURN_IF_ERROR(append_jsonl(destination, body));
    result.status = 200;
  } else {
    auto req = webhook_request(destination, out.uid, body, to_unix_micros(now) / 1'000'000);
    if (!req) return req.status();
    WebhookClient client(options);
    CT_RETURN_IF_ERROR(client.init_status());
    client.post(std::move(*req), [&](const WebhookResult& r) { result = r; });
    client.run();
  }
  out.status = result.status;
  out.delivered = result.status >= 200 && result.status < 300;
  if (!out.delivered) out.error = !result.error.empty() ? result.error : "HTTP " + std::to_string(result.status);
  return out;
}

}  // namespace canarytrap
