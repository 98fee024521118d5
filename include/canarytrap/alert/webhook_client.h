// HTTP(S) POSTs to webhook destinations, for the dispatcher and `alerts test`.
//
// Every request: the URL's host resolved, each address checked (destinations on loopback,
// private, link-local, CGNAT or multicast addresses are refused unless allow_private: an
// alert URL must not become a way into the internal network), connected only to a checked
// address, TLS with certificate and host-name verification against the system store (plus
// ca_file), one deadline over the whole exchange, redirects not followed, at most 64 KiB of
// response read.
//
//   WebhookClient client({.timeout = 10s});
//   client.post({url, headers, body}, [](const WebhookResult& r) { ... });
//   client.run();  // every queued POST, concurrently, to completion
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "canarytrap/core/status.h"

namespace canarytrap {

struct WebhookOptions {
  std::chrono::milliseconds timeout{10'000};
  bool allow_private = false;
  std::string ca_file;  // extra trusted CA certificates (PEM), besides the system store
};

struct WebhookRequest {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct WebhookResult {
  int status = 0;                               // HTTP status; 0 if no response
  std::optional<std::chrono::seconds> retry_after;
  std::string error;                            // why there was no response, or a refusal
  bool refused = false;                         // the URL itself is not allowed (SSRF guard, bad URL)
};

struct HttpUrl {
  bool tls = false;
  std::string host;  // without brackets
  std::string port;
  std::string target;  // path and query, "/" at least
};
Result<HttpUrl> parse_http_url(std::string_view url);

// Whether an address may receive webhooks without allow_private.
bool is_public_address(std::string_view ip);

// "120" or an HTTP-date, relative to now; nullopt if neither.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now);

// The URL reduced to scheme://host[:port]/... for logs: chat webhook URLs carry secrets.
std::string redact_webhook_url(std::string_view url);

class WebhookClient {
 public:
  explicit WebhookClient(WebhookOptions options);
  ~WebhookClient();
  WebhookClient(const WebhookClient&) = delete;
  WebhookClient& operator=(const WebhookClient&) = delete;

  // Certificate store problems (an unreadable ca_file) show up here.
  Status init_status() const;
  void post(WebhookRequest request, std::function<void(const WebhookResult&)> done);
  void run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace canarytrap
