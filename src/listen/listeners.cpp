#include <boost/asio/io_context.hpp>

#include "canarytrap/core/normalize.h"
#include "servers.h"

namespace canarytrap {

namespace listen {

Result<boost::asio::ip::address> parse_address(const std::string& host) {
  boost::system::error_code ec;
  auto a = boost::asio::ip::make_address(host, ec);
  if (ec) return Status::InvalidArgument("'" + host + "' is not an IP address");
  return a;
}

Status open_acceptor(boost::asio::ip::tcp::acceptor& acceptor, const Endpoint& at, const std::string& where,
                     bool reuse_port) {
  auto addr = parse_address(at.host);
  if (!addr) return addr.status().WithContext(where);
  boost::system::error_code ec;
  const boost::asio::ip::tcp::endpoint ep(*addr, at.port);
  acceptor.open(ep.protocol(), ec);
  if (!ec) acceptor.set_option(boost::asio::socket_base::reuse_address(true), ec);
  if (!ec && reuse_port) {
    const int one = 1;
    if (::setsockopt(acceptor.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) {
      ec.assign(errno, boost::system::system_category());
    }
  }
  if (!ec) acceptor.bind(ep, ec);
  if (!ec) acceptor.listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) return Status::IoError(where + ": " + ec.message());
  return Status::Ok();
}

std::string endpoint_text(const boost::asio::ip::address& a, unsigned short port) {
  return (a.is_v6() ? "[" + a.to_string() + "]" : a.to_string()) + ":" + std::to_string(port);
}

}  // namespace listen

ListenerConfig listener_config_from(const Config& cfg) {
  ListenerConfig l;
  l.dns = cfg.listen_dns;
  l.http = cfg.listen_http;
  l.https = cfg.listen_https;
  l.smtp = cfg.listen_smtp;
  l.metrics = cfg.listen_metrics;
  l.tls_cert = cfg.tls_cert.string();
  l.tls_key = cfg.tls_key.string();
  l.zones.zone = cfg.zone;
  l.zones.mail_domains = cfg.mail_domains;
  for (const auto& ip : cfg.public_ips) (is_ipv6(ip) ? l.zones.ipv6 : l.zones.ipv4).push_back(ip);
  l.trusted_proxies = cfg.trusted_proxies;
  return l;
}

struct Listeners::Impl {
  listen::Shared context;
  std::vector<std::unique_ptr<listen::Server>> servers;
};

Listeners::Listeners(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Listeners::~Listeners() {
  for (auto& s : impl_->servers) s->close();
}

Result<std::unique_ptr<Listeners>> Listeners::start(const std::vector<boost::asio::io_context*>& ios,
                                                    const ListenerConfig& config, ObservationSink& sink) {
  if (ios.empty()) return Status::Internal("Listeners::start without an io_context");
  boost::asio::io_context& io = *ios.front();
  const bool shared_port = ios.size() > 1;
  auto impl = std::make_unique<Impl>();
  impl->context = std::make_shared<listen::Context>(sink, config);
  listen::Shared shared = impl->context;
  if (!config.tls_cert.empty() || !config.tls_key.empty()) {
    if (config.tls_cert.empty() || config.tls_key.empty()) {
      return Status::InvalidArgument("tls.cert and tls.key go together: set both or neither");
    }
    const std::string where = config.https.empty() ? "tls (for smtp STARTTLS)" : "listen.https " + config.https;
    CT_RETURN_IF_ERROR(shared->tls.load(config.tls_cert, config.tls_key).WithContext(where));
  }
  const auto endpoint = [](const char* key, const std::string& text) -> Result<Endpoint> {
    auto ep = parse_endpoint(text);
    if (!ep) return ep.status().WithContext(key);
    return ep;
  };
  if (!config.dns.empty()) {
    auto ep = endpoint("listen.dns", config.dns);
    if (!ep) return ep.status();
    auto s = listen::start_dns(ios, *ep, shared);
    if (!s) return s.status();
    impl->servers.push_back(std::move(*s));
  }
  if (!config.http.empty()) {
    auto ep = endpoint("listen.http", config.http);
    if (!ep) return ep.status();
    for (auto* each : ios) {
      auto s = listen::start_http(*each, *ep, false, shared, shared_port);
      if (!s) return s.status();
      impl->servers.push_back(std::move(*s));
    }
  }
  if (!config.https.empty()) {
    if (config.tls_cert.empty() || config.tls_key.empty()) {
      return Status::InvalidArgument("listen.https is set but tls.cert and tls.key are not");
    }
    auto ep = endpoint("listen.https", config.https);
    if (!ep) return ep.status();
    for (auto* each : ios) {
      auto s = listen::start_http(*each, *ep, true, shared, shared_port);
      if (!s) return s.status();
      impl->servers.push_back(std::move(*s));
    }
  }
  if (!config.metrics.empty() && config.metrics_render) {
    auto ep = endpoint("listen.metrics", config.metrics);
    if (!ep) return ep.status();
    auto s = listen::start_metrics(io, *ep, shared);
    if (!s) return s.status();
    impl->servers.push_back(std::move(*s));
  }
  if (!config.smtp.empty()) {
    auto ep = endpoint("listen.smtp", config.smtp);
    if (!ep) return ep.status();
    for (auto* each : ios) {
      auto s = listen::start_smtp(*each, *ep, shared, shared_port);
      if (!s) return s.status();
      impl->servers.push_back(std::move(*s));
    }
  }
  return std::unique_ptr<Listeners>(new Listeners(std::move(impl)));
}

Status Listeners::reload_tls() {
  const auto& c = impl_->context->config;
  if (c.tls_cert.empty()) return Status::Ok();
  return impl_->context->tls.load(c.tls_cert, c.tls_key);
}

const ListenerStats& Listeners::stats() const { return impl_->context->stats; }

}  // namespace canarytrap
