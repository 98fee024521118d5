// The admin listener's sessions: one coroutine per connection on a strand, HTTP/1.1 with
// keep-alive, TLS when configured. Headers are read first, so that an upload is authorized
// before its body is read, and then streamed to a file instead of memory.
#if defined(__GNUC__) && !defined(__clang__)
// GCC 12 reports Asio's coroutine frame allocator (operator new/delete pair of its own) as
// mismatched: a known false positive (GCC bug 109224).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
#include "canarytrap/admin/admin_server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <limits>
#include <thread>

#include "api.h"
#include "canarytrap/core/config.h"
#include "canarytrap/core/secure_random.h"
#include "canarytrap/store/registry.h"
#include "static_files.h"

namespace canarytrap {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using admin::ApiRequest;
using admin::ApiResponse;

namespace {

constexpr std::size_t kHeaderLimit = 16 * 1024;
constexpr std::size_t kJsonBodyLimit = 1 << 20;
constexpr auto kIdleTimeout = std::chrono::seconds(30);
constexpr auto kUploadTimeout = std::chrono::minutes(30);
constexpr std::size_t kLingerBytes = 64 << 20;

// Every response: the dashboard runs only its own scripts, in no frame, and leaks nothing.
void add_security_headers(http::response<http::string_body>& res, bool api, bool tls) {
  res.set("Content-Security-Policy",
          "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
          "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Frame-Options", "DENY");
  res.set("Referrer-Policy", "no-referrer");
  res.set("Cross-Origin-Opener-Policy", "same-origin");
  res.set("Cross-Origin-Resource-Policy", "same-origin");
  if (api) res.set(http::field::cache_control, "no-store");
  if (tls) res.set("Strict-Transport-Security", "max-age=31536000");
}

}  // namespace

struct AdminServer::Impl {
  Options options;
  asio::io_context io;
  std::optional<asio::ssl::context> tls;
  tcp::acceptor acceptor{io};
  std::unique_ptr<admin::Api> api;
  std::vector<std::thread> threads;
  std::filesystem::path upload_dir;
  std::atomic<bool> stopped{false};

  asio::awaitable<void> accept_loop();
  template <class Stream>
  asio::awaitable<void> session(Stream& stream, const std::string& peer, bool tls);
  template <class Stream>
  asio::awaitable<bool> exchange(Stream& stream, beast::flat_buffer& buffer, const std::string& peer, bool tls);
  asio::awaitable<void> plain_session(tcp::socket socket);
  asio::awaitable<void> tls_session(tcp::socket socket);
  ApiRequest request_from(const http::request_parser<http::empty_body>& parser, const std::string& peer,
                          bool tls) const;
};

ApiRequest AdminServer::Impl::request_from(const http::request_parser<http::empty_body>& parser,
                                           const std::string& peer, bool tls) const {
  const auto& h = parser.get();
  ApiRequest req;
  req.method = std::string(h.method_string().data(), h.method_string().size());
  const std::string_view target(h.target().data(), h.target().size());
  const auto q = target.find('?');
  req.path = admin::url_decode(target.substr(0, q), false);
  if (q != std::string_view::npos) req.query = admin::parse_query(target.substr(q + 1));
  for (const auto& field : h) {
    std::string name(field.name_string().data(), field.name_string().size());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req.headers[name] = std::string(field.value().data(), field.value().size());
  }
  req.peer = peer;
  req.tls = tls;
  return req;
}

// The loop lives in session(), each request/response in exchange(): GCC 12 mis-destroys
// locals of a coroutine left by `break` out of a loop that awaits (the frame's strings were
// freed twice), and one function per exchange is easier to read anyway.
template <class Stream>
asio::awaitable<void> AdminServer::Impl::session(Stream& stream, const std::string& peer, bool is_tls) {
  beast::flat_buffer buffer;
  bool more = true;
  while (more) more = co_await exchange(stream, buffer, peer, is_tls);
}

template <class Stream>
asio::awaitable<bool> AdminServer::Impl::exchange(Stream& stream, beast::flat_buffer& buffer, const std::string& peer,
                                                  bool is_tls) {
  auto& lowest = beast::get_lowest_layer(stream);
  {
    beast::error_code ec;
    http::request_parser<http::empty_body> header_parser;
    header_parser.header_limit(kHeaderLimit);
    // The body's limit depends on the route: set by the parser that reads it, not here
    // (where a large Content-Length would already fail the header).
    header_parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    lowest.expires_after(kIdleTimeout);
    co_await http::async_read_header(stream, buffer, header_parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == beast::error::timeout) co_return false;
    ApiResponse resp;
    bool keep_alive = false;
    bool api_path = false;
    if (ec) {
      resp = ApiResponse::error(400, "bad_request", "malformed HTTP request");
    } else {
      ApiRequest req = request_from(header_parser, peer, is_tls);
      keep_alive = header_parser.get().keep_alive();
      api_path = req.path.rfind("/api/", 0) == 0 || req.path == "/api";
      const admin::RouteSpec* route = admin::Api::match(req.method, req.path);
      const bool upload = route && route->upload && req.header("content-type").rfind("application/json", 0) != 0;
      // A declared length over the limit is refused before anything is read (a chunked body
      // is stopped by the body parser's own limit as it arrives).
      const auto declared = header_parser.content_length();
      const std::uint64_t limit = upload ? options.upload_limit : kJsonBodyLimit;
      if (declared && *declared > limit) {
        resp = upload ? ApiResponse::error(413, "too_large",
                                           "the upload is larger than admin.upload_limit_mib (" +
                                               std::to_string(options.upload_limit >> 20) + " MiB)")
                      : ApiResponse::error(413, "too_large", "request bodies are limited to 1 MiB");
        keep_alive = false;
        if (upload && route) {
          if (auto denied = api->authorize(req, *route, nullptr)) resp = *denied;  // 401/403 first
        }
      } else if (upload) {
        if (auto denied = api->authorize(req, *route, nullptr)) {
          resp = *denied;
          keep_alive = false;  // the body stays unread
        } else {
          const std::filesystem::path file = upload_dir / ("upload-" + secure_random_hex(12));
          http::request_parser<http::file_body> body_parser{std::move(header_parser)};
          body_parser.body_limit(options.upload_limit);
          body_parser.get().body().open(file.c_str(), beast::file_mode::write, ec);
          if (ec) {
            resp = ApiResponse::error(500, "internal", "cannot store the upload: " + ec.message());
            keep_alive = false;
          } else {
            lowest.expires_after(kUploadTimeout);
            co_await http::async_read(stream, buffer, body_parser, asio::redirect_error(asio::use_awaitable, ec));
            body_parser.get().body().close();
            if (ec == http::error::body_limit) {
              resp = ApiResponse::error(413, "too_large",
                                        "the upload is larger than admin.upload_limit_mib (" +
                                            std::to_string(options.upload_limit >> 20) + " MiB)");
              keep_alive = false;
            } else if (ec) {
              std::error_code rm;
              std::filesystem::remove(file, rm);
              co_return false;
            } else {
              req.body_file = file;
              resp = api->handle(req);
            }
            std::error_code rm;
            std::filesystem::remove(file, rm);
          }
        }
      } else {
        http::request_parser<http::string_body> body_parser{std::move(header_parser)};
        body_parser.body_limit(kJsonBodyLimit);
        co_await http::async_read(stream, buffer, body_parser, asio::redirect_error(asio::use_awaitable, ec));
        if (ec == http::error::body_limit) {
          resp = ApiResponse::error(413, "too_large", "request bodies are limited to 1 MiB");
          keep_alive = false;
        } else if (ec) {
          co_return false;
        } else if (api_path) {
          req.body = std::move(body_parser.get().body());
          resp = api->handle(req);
        } else if (req.method == "GET") {
          resp = admin::static_file(options.web_root, req.path);
        } else {
          resp = ApiResponse::error(405, "method_not_allowed", "only GET outside /api/");
        }
      }
    }
    http::response<http::string_body> res{static_cast<http::status>(resp.status), 11};
    res.set(http::field::server, "canarytrap");
    res.set(http::field::content_type, resp.content_type);
    for (const auto& [name, value] : resp.headers) res.insert(name, value);
    add_security_headers(res, api_path, is_tls);
    res.keep_alive(keep_alive);
    res.body() = std::move(resp.body);
    res.prepare_payload();
    lowest.expires_after(kIdleTimeout);
    co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
    co_return !ec && keep_alive;
  }
}

asio::awaitable<void> AdminServer::Impl::plain_session(tcp::socket socket) {
  beast::error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  // A named string, not a temporary in the co_await expression: GCC 12 destroys such
  // temporaries twice.
  const std::string peer = ec ? std::string() : remote.address().to_string();
  beast::tcp_stream stream(std::move(socket));
  co_await session(stream, peer, false);
  // A lingering close, as nginx does: a client still sending a refused body (413) must get
  // to read the answer, which closing with unread data would destroy with a reset.
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  std::array<char, 16384> sink;
  std::size_t drained = 0;
  stream.expires_after(std::chrono::seconds(2));
  while (!ec && drained < kLingerBytes) {
    drained += co_await stream.async_read_some(asio::buffer(sink), asio::redirect_error(asio::use_awaitable, ec));
  }
}

asio::awaitable<void> AdminServer::Impl::tls_session(tcp::socket socket) {
  beast::error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  const std::string peer = ec ? std::string() : remote.address().to_string();
  beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *tls);
  beast::get_lowest_layer(stream).expires_after(kIdleTimeout);
  co_await stream.async_handshake(asio::ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return;
  co_await session(stream, peer, true);
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(5));
  co_await stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
}

asio::awaitable<void> AdminServer::Impl::accept_loop() {
  for (;;) {
    beast::error_code ec;
    tcp::socket socket(asio::make_strand(io));
    co_await acceptor.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
    if (stopped) co_return;
    if (ec) {
      // Out of descriptors or similar: keep accepting once the moment passes.
      spdlog::warn("admin listener: accept failed: {}", ec.message());
      asio::steady_timer pause(io, std::chrono::milliseconds(100));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    auto ex = socket.get_executor();
    if (tls) {
      asio::co_spawn(ex, tls_session(std::move(socket)), asio::detached);
    } else {
      asio::co_spawn(ex, plain_session(std::move(socket)), asio::detached);
    }
  }
}

AdminServer::AdminServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

AdminServer::~AdminServer() { stop(); }

Result<std::unique_ptr<AdminServer>> AdminServer::start(Options options, AdminServices services) {
  auto ep = parse_endpoint(options.listen);
  if (!ep) return ep.status().WithContext("listen.admin");
  std::error_code fec;
  if (!std::filesystem::is_regular_file(options.web_root / "index.html", fec)) {
    return Status::NotFound("the dashboard's files are not in " + options.web_root.string() +
                            " (set admin.web_root to the installed web/ folder)");
  }
  auto registry = Registry::open(options.registry, {.create_if_missing = false, .cache_mib = 8, .sync_full = true});
  if (!registry) return registry.status().WithContext("admin");
  auto impl = std::make_unique<Impl>();
  if (!options.tls_cert.empty()) {
    impl->tls.emplace(asio::ssl::context::tls_server);
    impl->tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                           asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                           asio::ssl::context::no_tlsv1_1);
    beast::error_code ec;
    impl->tls->use_certificate_chain_file(options.tls_cert.string(), ec);
    if (!ec) impl->tls->use_private_key_file(options.tls_key.string(), asio::ssl::context::pem, ec);
    if (ec) return Status::InvalidArgument("admin TLS certificate or key unusable: " + ec.message());
  }
  // Uploads go beside the registry (same disk as the data it protects), in a private folder.
  impl->upload_dir = std::filesystem::absolute(options.registry).parent_path() / ".canarytrap-uploads";
  std::filesystem::create_directories(impl->upload_dir, fec);
  if (fec) return Status::IoError("cannot create " + impl->upload_dir.string() + ": " + fec.message());
  std::filesystem::permissions(impl->upload_dir, std::filesystem::perms::owner_all, fec);
  for (const auto& stale : std::filesystem::directory_iterator(impl->upload_dir, fec)) {
    std::error_code rm;
    std::filesystem::remove(stale.path(), rm);  // left by a crash mid-upload
  }

  beast::error_code ec;
  const tcp::endpoint endpoint(asio::ip::make_address(ep->host, ec), ep->port);
  if (ec) return Status::InvalidArgument("listen.admin: " + ec.message());
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Status::IoError("admin listener on " + options.listen + ": " + ec.message());

  const int threads = std::max(1, options.threads) + 1;
  impl->options = std::move(options);
  impl->api = std::make_unique<admin::Api>(impl->options, std::move(services), std::move(*registry));
  Impl* raw = impl.get();
  asio::co_spawn(raw->io, raw->accept_loop(), asio::detached);
  for (int i = 0; i < threads; ++i) raw->threads.emplace_back([raw] { raw->io.run(); });
  return std::unique_ptr<AdminServer>(new AdminServer(std::move(impl)));
}

std::string AdminServer::address() const {
  beast::error_code ec;
  const auto ep = impl_->acceptor.local_endpoint(ec);
  return Endpoint{ep.address().to_string(), ep.port()}.to_string();
}

void AdminServer::stop() {
  if (!impl_ || impl_->stopped.exchange(true)) return;
  impl_->io.stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
  beast::error_code ignored;
  impl_->acceptor.close(ignored);
}

std::filesystem::path AdminServer::default_web_root() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto installed = exe.parent_path().parent_path() / "share" / "canarytrap" / "web";
    if (std::filesystem::is_regular_file(installed / "index.html", ec)) return installed;
  }
  return CANARYTRAP_SOURCE_WEB_DIR;
}

}  // namespace canarytrap
