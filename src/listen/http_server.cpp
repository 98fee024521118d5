// The HTTP and HTTPS listener (Boost.Beast): one session type for both, keep-alive, header
// and body limits, timeouts on every read and write, and an answer that looks like the asset
// the URL names, whether or not it is a trigger.
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>

#include <cctype>

#include "canarytrap/core/normalize.h"
#include "servers.h"

namespace canarytrap::data {
extern const std::string_view http_pixel_gif;
extern const std::string_view http_pixel_png;
extern const std::string_view http_pixel_jpg;
}  // namespace canarytrap::data

namespace canarytrap::listen {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kReadTimeout = std::chrono::seconds(10);   // a whole request's headers
constexpr auto kIdleTimeout = std::chrono::seconds(15);   // between keep-alive requests
constexpr std::size_t kHeaderLimit = 8 * 1024;
constexpr std::size_t kBodyLimit = 16 * 1024;
constexpr std::size_t kHeaderDetailCap = 4096;

struct Asset {
  std::string_view content_type;
  std::string_view body;
};

// What a request for `target` is answered with: the pixel its extension names, else empty.
Asset asset_for(std::string_view target) {
  std::string_view path = target.substr(0, target.find_first_of("?#"));
  const auto dot = path.rfind('.');
  const std::string ext = dot == std::string_view::npos ? "" : ascii_lower(path.substr(dot + 1));
  if (ext == "jpg" || ext == "jpeg") return {"image/jpeg", data::http_pixel_jpg};
  if (ext == "png") return {"image/png", data::http_pixel_png};
  if (ext == "gif") return {"image/gif", data::http_pixel_gif};
  return {"text/html", ""};
}

// Words of 16+ characters in the path (trigger ids are 24 hex, host labels 17).
void path_tokens(std::string_view target, std::vector<std::string>& out) {
  std::string word;
  const auto flush = [&] {
    if (word.size() >= 16 && word.size() <= 64) out.push_back(word);
    word.clear();
  };
  for (char c : target) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      flush();
    }
  }
  flush();
}

std::string cap(std::string_view s, std::size_t n) { return std::string(s.substr(0, n)); }
std::string cap(const std::string& s, std::size_t n) { return s.substr(0, n); }
std::string cap(beast::string_view s, std::size_t n) { return cap(std::string_view(s.data(), s.size()), n); }
beast::string_view bsv(std::string_view s) { return beast::string_view(s.data(), s.size()); }

// The client behind trusted proxies: the right-most X-Forwarded-For entry that is not one.
std::string client_address(const std::string& peer_ip, const http::request<http::string_body>& req,
                           const std::vector<std::string>& trusted) {
  const auto is_trusted = [&](const std::string& ip) {
    return std::find(trusted.begin(), trusted.end(), ip) != trusted.end();
  };
  if (!is_trusted(peer_ip)) return peer_ip;
  if (auto xff = req.find("X-Forwarded-For"); xff != req.end()) {
    std::string list(xff->value());
    std::vector<std::string> hops;
    std::size_t start = 0;
    while (start <= list.size()) {
      auto comma = list.find(',', start);
      if (comma == std::string::npos) comma = list.size();
      std::string hop = list.substr(start, comma - start);
      hop.erase(0, hop.find_first_not_of(' '));
      hop.erase(hop.find_last_not_of(' ') + 1);
      if (auto n = normalize_ip(hop)) hops.push_back(*n);
      start = comma + 1;
    }
    for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
      if (!is_trusted(*it)) return *it;
    }
  }
  if (auto real = req.find("X-Real-IP"); real != req.end()) {
    if (auto n = normalize_ip(std::string(real->value()))) return *n;
  }
  return peer_ip;
}

template <class Stream>
class HttpSession : public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  HttpSession(Stream stream, Shared shared, std::string peer_ip, unsigned short peer_port)
      : stream_(std::move(stream)),
        shared_(shared),
        peer_ip_(std::move(peer_ip)),
        peer_port_(peer_port),
        peer_text_(endpoint_text(asio::ip::make_address(peer_ip_), peer_port_)) {
    shared_->stats.open_connections.fetch_add(1);
  }
  ~HttpSession() { shared_->stats.open_connections.fetch_sub(1); }

  void start() {
    if constexpr (std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>) {
      beast::get_lowest_layer(stream_).expires_after(kReadTimeout);
      stream_.async_handshake(ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
        if (ec) return;
        if (const char* sni = SSL_get_servername(self->stream_.native_handle(), TLSEXT_NAMETYPE_host_name)) {
          self->sni_ = sni;
        }
        self->read();
      });
    } else {
      read();
    }
  }

 private:
  void read() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(kBodyLimit);
    beast::get_lowest_layer(stream_).expires_after(first_ ? kReadTimeout : kIdleTimeout);
    first_ = false;
    http::async_read(stream_, buffer_, *parser_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      self->on_read(ec);
    });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted) {
      return close();
    }
    if (ec) {
      shared_->stats.http_bad_requests.fetch_add(1, std::memory_order_relaxed);
      const auto status = ec == http::error::body_limit       ? http::status::payload_too_large
                          : ec == http::error::header_limit ? http::status::request_header_fields_too_large
                                                            : http::status::bad_request;
      return respond_error(status);
    }
    shared_->stats.http_requests.fetch_add(1, std::memory_order_relaxed);
    const auto& req = parser_->get();
    observe(req);
    const std::string_view target(req.target().data(), req.target().size());
    // The admin API lives on its own listener only: here /api/ is nothing at all, whatever
    // the Host header, so that no proxy rule or typo can expose it through the public port.
    if (target == "/api" || target.rfind("/api/", 0) == 0 || target.rfind("/api?", 0) == 0) {
      return respond_error(http::status::not_found);
    }
    const Asset asset = asset_for(target);
    // One response object per session, its body pointing at the embedded pixel: no
    // allocation or copy per request.
    asset_.result(http::status::ok);
    asset_.version(req.version());
    asset_.set(http::field::server, "nginx");
    asset_.set(http::field::content_type, bsv(asset.content_type));
    asset_.set(http::field::cache_control, "public, max-age=86400");
    asset_.set(http::field::last_modified, "Tue, 14 May 2024 08:21:07 GMT");
    asset_.set(http::field::accept_ranges, "bytes");
    asset_.body() = req.method() == http::verb::head ? http::span_body<const char>::value_type()
                                                     : http::span_body<const char>::value_type(asset.body.data(), asset.body.size());
    asset_.content_length(asset.body.size());
    asset_.keep_alive(req.keep_alive());
    beast::get_lowest_layer(stream_).expires_after(kReadTimeout);
    http::async_write(stream_, asset_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec || !self->asset_.keep_alive()) return self->close();
      self->read();
    });
  }

  void observe(const http::request<http::string_body>& req) {
    Observation o;
    o.channel = Channel::kHttp;
    o.at = system_clock().now();
    const std::string client = client_address(peer_ip_, req, shared_->config.trusted_proxies);
    o.source = client == peer_ip_ ? peer_text_ : client;
    std::string host(req[http::field::host]);
    const std::string host_lower = ascii_lower(host.substr(0, host.rfind(':') == std::string::npos || host.back() == ']'
                                                                  ? host.size()
                                                                  : host.rfind(':')));
    const std::string first_label = host_lower.substr(0, host_lower.find('.'));
    if (first_label.size() >= 16) o.tokens.push_back(first_label);
    const std::string_view target(req.target().data(), req.target().size());
    path_tokens(target, o.tokens);
    if (o.tokens.empty()) return;
    o.details = {{"method", std::string(req.method_string())},
                 {"host", cap(host, 256)},
                 {"target", cap(target, 2048)},
                 {"user_agent", cap(req[http::field::user_agent], 512)},
                 {"referer", cap(req[http::field::referer], 512)},
                 {"accept_language", cap(req[http::field::accept_language], 128)},
                 {"peer", peer_text_},
                 {"tls", std::is_same_v<Stream, beast::tcp_stream> ? "no" : "yes"}};
    if (!sni_.empty()) o.details.emplace_back("sni", cap(sni_, 256));
    std::string headers;
    for (const auto& field : req) {
      if (headers.size() >= kHeaderDetailCap) break;
      headers += std::string(field.name_string()) + ": " + cap(field.value(), 256) + "\n";
    }
    o.details.emplace_back("headers", cap(headers, kHeaderDetailCap));
    shared_->sink.observe(std::move(o));
  }

  void write(std::shared_ptr<http::response<http::string_body>> res) {
    beast::get_lowest_layer(stream_).expires_after(kReadTimeout);
    http::async_write(stream_, *res, [self = this->shared_from_this(), res](beast::error_code ec, std::size_t) {
      if (ec || !res->keep_alive()) return self->close();
      self->read();
    });
  }

  void respond_error(http::status status) {
    auto res = std::make_shared<http::response<http::string_body>>(status, 11);
    res->set(http::field::server, "nginx");
    res->set(http::field::content_type, "text/html");
    res->set(http::field::connection, "close");
    res->keep_alive(false);
    res->prepare_payload();
    write(res);
  }

  void close() {
    beast::error_code ec;
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    } else {
      beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_send, ec);
    }
  }

  Stream stream_;
  Shared shared_;
  std::string peer_ip_;
  unsigned short peer_port_;
  std::string peer_text_;  // "ip:port", once per connection
  http::response<http::span_body<const char>> asset_;
  std::string sni_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool first_ = true;
};

class HttpServer final : public Server {
 public:
  HttpServer(asio::io_context& io, Shared shared, bool tls)
      : io_(io), acceptor_(io), shared_(shared), tls_(tls) {}

  Status listen(const Endpoint& at, bool reuse_port) {
    const std::string where = std::string(tls_ ? "listen.https " : "listen.http ") + at.to_string();
    if (tls_ && !shared_->tls.loaded()) return Status::InvalidArgument(where + ": no certificate loaded");
    CT_RETURN_IF_ERROR(open_acceptor(acceptor_, at, where, reuse_port));
    accept();
    return Status::Ok();
  }

  void close() override {
    beast::error_code ec;
    acceptor_.close(ec);
  }

 private:
  void accept() {
    acceptor_.async_accept(asio::make_strand(io_), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
      if (!ec) {
        beast::error_code pec;
        const auto peer = socket.remote_endpoint(pec);
        if (!pec) {
          const std::string ip = peer.address().to_string();
          if (tls_) {
            // The context current now: a reload swaps it for later connections only (the
            // SSL object keeps its own reference to it).
            const auto context = shared_->tls.https();
            std::make_shared<HttpSession<beast::ssl_stream<beast::tcp_stream>>>(
                beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(socket)), *context), shared_, ip,
                peer.port())
                ->start();
          } else {
            std::make_shared<HttpSession<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)), shared_, ip,
                                                             peer.port())
                ->start();
          }
        }
      }
      accept();
    });
  }

  asio::io_context& io_;
  tcp::acceptor acceptor_;
  Shared shared_;
  bool tls_;
};

// The operations listener: GET /metrics (Prometheus text) and /healthz, nothing else.
class MetricsSession : public std::enable_shared_from_this<MetricsSession> {
 public:
  MetricsSession(beast::tcp_stream stream, Shared shared) : stream_(std::move(stream)), shared_(shared) {}
  void start() { read(); }

 private:
  void read() {
    req_ = {};
    stream_.expires_after(kReadTimeout);
    http::async_read(stream_, buffer_, req_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return;
      self->respond();
    });
  }
  void respond() {
    auto res = std::make_shared<http::response<http::string_body>>(http::status::ok, req_.version());
    const std::string_view target(req_.target().data(), req_.target().size());
    if (target == "/metrics") {
      res->set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
      res->body() = shared_->config.metrics_render();
    } else if (target == "/healthz") {
      res->set(http::field::content_type, "text/plain");
      res->body() = "ok\n";
    } else {
      res->result(http::status::not_found);
      res->body() = "not found\n";
    }
    res->keep_alive(req_.keep_alive());
    res->prepare_payload();
    stream_.expires_after(kReadTimeout);
    http::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
      if (!ec && res->keep_alive()) self->read();
    });
  }

  beast::tcp_stream stream_;
  Shared shared_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> req_;
};

class MetricsServer final : public Server {
 public:
  MetricsServer(asio::io_context& io, Shared shared) : io_(io), acceptor_(io), shared_(shared) {}
  Status listen(const Endpoint& at) {
    CT_RETURN_IF_ERROR(open_acceptor(acceptor_, at, "listen.metrics " + at.to_string()));
    accept();
    return Status::Ok();
  }
  void close() override {
    beast::error_code ec;
    acceptor_.close(ec);
  }

 private:
  void accept() {
    acceptor_.async_accept(asio::make_strand(io_), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
      if (!ec) std::make_shared<MetricsSession>(beast::tcp_stream(std::move(socket)), shared_)->start();
      accept();
    });
  }
  asio::io_context& io_;
  tcp::acceptor acceptor_;
  Shared shared_;
};

}  // namespace

Result<std::unique_ptr<Server>> start_metrics(asio::io_context& io, const Endpoint& at, Shared shared) {
  auto server = std::make_unique<MetricsServer>(io, shared);
  CT_RETURN_IF_ERROR(server->listen(at));
  return std::unique_ptr<Server>(std::move(server));
}

Result<std::unique_ptr<Server>> start_http(asio::io_context& io, const Endpoint& at, bool tls, Shared shared,
                                           bool reuse_port) {
  auto server = std::make_unique<HttpServer>(io, shared, tls);
  CT_RETURN_IF_ERROR(server->listen(at, reuse_port));
  return std::unique_ptr<Server>(std::move(server));
}

}  // namespace canarytrap::listen
