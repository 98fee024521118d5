// The webhook client: one coroutine per POST on the client's own io_context.
#if defined(__GNUC__) && !defined(__clang__)
// GCC 12 reports Asio's coroutine frame allocator (operator new/delete pair of its own) as
// mismatched: a known false positive (GCC bug 109224).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
#include "canarytrap/alert/webhook_client.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>

#include <charconv>
#include <ctime>

#include "canarytrap/core/normalize.h"

namespace canarytrap {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

Result<HttpUrl> parse_http_url(std::string_view url) {
  HttpUrl u;
  std::string_view rest;
  if (url.rfind("https://", 0) == 0) {
    u.tls = true;
    rest = url.substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else {
    return Status::InvalidArgument("not an http(s) URL");
  }
  const auto slash = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, slash);
  u.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (!u.target.empty() && u.target[0] != '/') u.target = "/" + u.target;
  if (const auto hash = u.target.find('#'); hash != std::string::npos) u.target.resize(hash);
  if (authority.find('@') != std::string_view::npos) return Status::InvalidArgument("user:password@ in a webhook URL");
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return Status::InvalidArgument("bad [IPv6] host");
    u.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return Status::InvalidArgument("bad port");
      port = authority.substr(close + 2);
    }
  } else {
    const auto colon = authority.find(':');
    u.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (u.host.empty()) return Status::InvalidArgument("no host");
  unsigned p = 0;
  if (!port.empty()) {
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (ec != std::errc() || end != port.data() + port.size() || p == 0 || p > 65535) {
      return Status::InvalidArgument("bad port");
    }
  }
  u.port = port.empty() ? (u.tls ? "443" : "80") : std::string(port);
  return u;
}

bool is_public_address(std::string_view text) {
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(std::string(text), ec);
  if (ec) return false;
  if (addr.is_v6()) {
    const auto v6 = addr.to_v6();
    if (v6.is_v4_mapped()) return is_public_address(v6.to_v4().to_string());
    const auto b = v6.to_bytes();
    if (v6.is_loopback() || v6.is_unspecified() || v6.is_link_local() || v6.is_multicast() || v6.is_site_local()) {
      return false;
    }
    if ((b[0] & 0xFE) == 0xFC) return false;                   // fc00::/7 unique local
    if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8) return false;  // documentation
    if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B) return false;  // NAT64 can reach anything
    return true;
  }
  const auto b = addr.to_v4().to_bytes();
  if (b[0] == 0 || b[0] == 10 || b[0] == 127 || b[0] >= 224) return false;  // this net, private, loopback, multicast+
  if (b[0] == 169 && b[1] == 254) return false;                            // link-local (cloud metadata)
  if (b[0] == 172 && (b[1] & 0xF0) == 16) return false;
  if (b[0] == 192 && b[1] == 168) return false;
  if (b[0] == 100 && (b[1] & 0xC0) == 64) return false;  // CGNAT
  if (b[0] == 192 && b[1] == 0 && b[2] == 0) return false;  // IETF protocol assignments
  if (b[0] == 198 && (b[1] & 0xFE) == 18) return false;     // benchmarking
  return true;
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  long long seconds = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec == std::errc() && end == value.data() + value.size()) {
    if (seconds < 0) return std::nullopt;
    return std::chrono::seconds(std::min<long long>(seconds, 7 * 86400));
  }
  std::tm tm{};
  const std::string s(value);
  if (!strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm)) return std::nullopt;
  const auto at = std::chrono::system_clock::from_time_t(timegm(&tm));
  const auto delta = std::chrono::duration_cast<std::chrono::seconds>(at - now);
  return std::chrono::seconds(std::clamp<long long>(delta.count(), 0, 7 * 86400));
}

std::string redact_webhook_url(std::string_view url) {
  auto u = parse_http_url(url);
  if (!u) return "(invalid URL)";
  const bool v6 = u->host.find(':') != std::string::npos;
  const bool default_port = u->port == (u->tls ? "443" : "80");
  return std::string(u->tls ? "https://" : "http://") + (v6 ? "[" + u->host + "]" : u->host) +
         (default_port ? "" : ":" + u->port) + (u->target == "/" ? "/" : "/...");
}

struct WebhookClient::Impl {
  WebhookOptions options;
  asio::io_context io;
  asio::ssl::context tls{asio::ssl::context::tls_client};
  Status init = Status::Ok();

  asio::awaitable<WebhookResult> exchange(WebhookRequest req);
};

namespace {

std::string ssl_error_text(const boost::system::error_code& ec) {
  std::string msg = ec.message();
  if (ec.category() == asio::error::get_ssl_category()) {
    const auto reason = ERR_reason_error_string(static_cast<unsigned long>(ec.value()));
    if (reason) msg = reason;
  }
  return msg;
}

}  // namespace

asio::awaitable<WebhookResult> WebhookClient::Impl::exchange(WebhookRequest req) {
  WebhookResult result;
  auto url = parse_http_url(req.url);
  if (!url) {
    result.refused = true;
    result.error = "bad URL: " + url.status().message();
    co_return result;
  }
  boost::system::error_code ec;
  tcp::resolver resolver(io);
  auto resolved = co_await resolver.async_resolve(url->host, url->port, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    result.error = "resolving " + url->host + ": " + ec.message();
    co_return result;
  }
  std::vector<tcp::endpoint> allowed;
  std::string refused_address;
  for (const auto& entry : resolved) {
    const auto ep = entry.endpoint();
    if (options.allow_private || is_public_address(ep.address().to_string())) {
      allowed.push_back(ep);
    } else {
      refused_address = ep.address().to_string();
    }
  }
  if (allowed.empty()) {
    result.refused = true;
    result.error = url->host + " resolves to " + refused_address +
                   ", a private, loopback or link-local address (set alerts.allow_private = \"true\" to allow)";
    co_return result;
  }

  http::request<http::string_body> request{http::verb::post, url->target, 11};
  const bool v6 = url->host.find(':') != std::string::npos;
  const bool default_port = url->port == (url->tls ? "443" : "80");
  request.set(http::field::host, (v6 ? "[" + url->host + "]" : url->host) + (default_port ? "" : ":" + url->port));
  request.set(http::field::content_type, "application/json");
  for (const auto& [name, value] : req.headers) request.set(name, value);
  request.set(http::field::connection, "close");
  request.body() = std::move(req.body);
  request.prepare_payload();

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024);
  parser.header_limit(16 * 1024);
  beast::tcp_stream tcp_stream(io);
  tcp_stream.expires_after(options.timeout);
  co_await tcp_stream.async_connect(allowed, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    result.error = "connecting to " + url->host + ":" + url->port + ": " +
                   (ec == beast::error::timeout ? std::string("timed out") : ec.message());
    co_return result;
  }
  const auto fail = [&](const char* doing) {
    result.error = std::string(doing) + ": " + (ec == beast::error::timeout ? std::string("timed out") : ssl_error_text(ec));
  };
  if (url->tls) {
    beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp_stream), tls);
    if (!v6 && !SSL_set_tlsext_host_name(stream.native_handle(), url->host.c_str())) {
      result.error = "TLS: cannot set SNI";
      co_return result;
    }
    stream.set_verify_callback(asio::ssl::host_name_verification(url->host));
    co_await stream.async_handshake(asio::ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      fail("TLS handshake");
      co_return result;
    }
    co_await http::async_write(stream, request, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      fail("sending");
      co_return result;
    }
    co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec && !parser.is_header_done()) {
      fail("reading the response");
      co_return result;
    }
    beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ec);
  } else {
    co_await http::async_write(tcp_stream, request, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      fail("sending");
      co_return result;
    }
    co_await http::async_read(tcp_stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec && !parser.is_header_done()) {
      fail("reading the response");
      co_return result;
    }
    tcp_stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  }
  // The status line is what counts; a body too long or cut short does not undo a 2xx.
  const auto& response = parser.get();
  result.status = static_cast<int>(response.result_int());
  if (auto it = response.find(http::field::retry_after); it != response.end()) {
    result.retry_after = parse_retry_after(std::string_view(it->value().data(), it->value().size()),
                                           std::chrono::system_clock::now());
  }
  co_return result;
}

WebhookClient::WebhookClient(WebhookOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  boost::system::error_code ec;
  impl_->tls.set_verify_mode(asio::ssl::verify_peer, ec);
  impl_->tls.set_default_verify_paths(ec);
  if (ec) impl_->init = Status::IoError("loading the system certificate store: " + ec.message());
  if (!impl_->options.ca_file.empty()) {
    impl_->tls.load_verify_file(impl_->options.ca_file, ec);
    if (ec) impl_->init = Status::IoError("alerts.ca_file " + impl_->options.ca_file + ": " + ssl_error_text(ec));
  }
}

WebhookClient::~WebhookClient() = default;

Status WebhookClient::init_status() const { return impl_->init; }

void WebhookClient::post(WebhookRequest request, std::function<void(const WebhookResult&)> done) {
  asio::co_spawn(
      impl_->io, impl_->exchange(std::move(request)),
      [done = std::move(done)](std::exception_ptr e, WebhookResult r) {
        if (e) {
          r = WebhookResult{};
          try {
            std::rethrow_exception(e);
          } catch (const std::exception& ex) {
            r.error = std::string("internal error: ") + ex.what();
          }
        }
        done(r);
      });
}

void WebhookClient::run() {
  impl_->io.run();
  impl_->io.restart();
}

}  // namespace canarytrap
