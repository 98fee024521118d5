// The public listeners: authoritative DNS (UDP and TCP), HTTP, HTTPS and SMTP.
//
// Each turns what it is sent into an Observation for the sink and answers like an ordinary
// host would, the same way whether or not a trigger was involved (no oracle). All of them
// run on one Boost.Asio io_context driven by the caller's thread pool, bound their reads
// (sizes, counts) and time out idle peers.
//
//   std::vector<boost::asio::io_context*> ios = ...;     // one per I/O thread
//   auto listeners = Listeners::start(ios, config, sink);  // binds every configured port
//   ... run each io_context on its thread ...
//   for (auto* io : ios) io->stop();                       // stopping: the threads first,
//   ... join the threads ...
//   listeners->reset();                                     // then the sockets close
//
// The sockets close only once no thread runs them: an asio socket is not safe to close from
// one thread while another runs its handlers (an accept handler re-arming on an acceptor being
// closed from the signal handler's thread crashed serve at SIGTERM).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "canarytrap/core/config.h"
#include "canarytrap/core/observation.h"
#include "canarytrap/core/status.h"
#include "canarytrap/listen/dns_message.h"

namespace boost::asio {
class io_context;
}

namespace canarytrap {

// Counters the listeners keep (for logs and, later, /metrics).
struct ListenerStats {
  std::atomic<std::uint64_t> dns_queries{0}, dns_malformed{0}, dns_refused{0};
  std::atomic<std::uint64_t> http_requests{0}, http_bad_requests{0};
  std::atomic<std::uint64_t> smtp_sessions{0}, smtp_messages{0}, smtp_rejected_rcpt{0};
  std::atomic<std::uint64_t> open_connections{0};
};

struct ListenerConfig {
  std::string dns;    // "host:port", "" = off (UDP and TCP on the same port)
  std::string http;
  std::string https;
  std::string smtp;
  std::string metrics;            // /metrics and /healthz, loopback by default; "" = off
  std::function<std::string()> metrics_render;  // the Prometheus text for /metrics
  std::string tls_cert, tls_key;  // for HTTPS and STARTTLS
  DnsZones zones;
  std::vector<std::string> trusted_proxies;  // whose X-Forwarded-For / X-Real-IP is believed
  int threads = 1;                            // UDP sockets per port (SO_REUSEPORT)
};

ListenerConfig listener_config_from(const Config& cfg);

class Listeners {
 public:
  // One io_context per I/O thread: each gets its own HTTP(S) and SMTP acceptor (SO_REUSEPORT,
  // the kernel spreads connections) and DNS UDP socket, so threads never hand work to each
  // other; the DNS TCP and metrics listeners use the first.
  static Result<std::unique_ptr<Listeners>> start(const std::vector<boost::asio::io_context*>& ios,
                                                  const ListenerConfig& config, ObservationSink& sink);
  // Closes every socket. Only once the io_contexts no longer run (see above).
  ~Listeners();
  // Reads tls.cert and tls.key again (SIGHUP): new HTTPS and STARTTLS connections use them,
  // open ones are not touched. On an error the current certificate stays in use.
  Status reload_tls();
  const ListenerStats& stats() const;

  struct Impl;

 private:
  explicit Listeners(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace canarytrap
