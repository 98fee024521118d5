// The SMTP listener: a socket session around SmtpProtocol, with STARTTLS when a certificate
// is configured, a line-length cap, an idle timeout and a session time limit.
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include "canarytrap/listen/smtp_protocol.h"
#include "servers.h"

namespace canarytrap::listen {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kIdleTimeout = std::chrono::seconds(60);
constexpr auto kSessionLimit = std::chrono::minutes(10);

class SmtpSession : public std::enable_shared_from_this<SmtpSession> {
 public:
  SmtpSession(tcp::socket socket, Shared shared, std::shared_ptr<ssl::context> tls)
      : socket_(std::move(socket)),
        idle_(socket_.get_executor()),
        limit_(socket_.get_executor()),
        shared_(shared),
        tls_ctx_(std::move(tls)),
        buffer_(SmtpProtocol::kMaxLineBytes),
        smtp_(shared->config.zones.mail_domains.empty() ? "localhost" : "mx." + shared->config.zones.mail_domains[0],
              shared->config.zones.mail_domains, tls_ctx_ != nullptr) {
    shared_->stats.open_connections.fetch_add(1);
    shared_->stats.smtp_sessions.fetch_add(1, std::memory_order_relaxed);
  }
  ~SmtpSession() {
    smtp_.on_close();
    flush_deliveries();
    shared_->stats.open_connections.fetch_sub(1);
  }

  void start() {
    boost::system::error_code ec;
    const auto peer = socket_.remote_endpoint(ec);
    source_ = ec ? "?" : endpoint_text(peer.address(), peer.port());
    limit_.expires_after(kSessionLimit);
    limit_.async_wait([self = shared_from_this()](auto e) {
      if (!e) self->close();
    });
    send(smtp_.greeting(), false, false);
  }

 private:
  template <class F>
  void with_stream(F&& f) {
    if (tls_) {
      f(*tls_);
    } else {
      f(socket_);
    }
  }

  void read_line() {
    idle_.expires_after(kIdleTimeout);
    idle_.async_wait([self = shared_from_this()](auto e) {
      if (!e) self->send("421 4.4.2 Error: timeout exceeded\r\n", true, false);
    });
    with_stream([&](auto& stream) {
      asio::async_read_until(stream, buffer_, "\n", [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
        self->idle_.cancel();
        if (ec == asio::error::not_found) {  // a line longer than the cap
          return self->send("500 5.5.0 Error: line too long\r\n", true, false);
        }
        if (ec) return self->close();
        std::string line(asio::buffers_begin(self->buffer_.data()), asio::buffers_begin(self->buffer_.data()) + n);
        self->buffer_.consume(n);
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
        SmtpReply r = self->smtp_.on_line(line);
        self->flush_deliveries();
        if (r.text.empty()) return self->read_line();  // inside DATA
        self->send(r.text, r.close, r.start_tls);
      });
    });
  }

  void send(std::string text, bool close_after, bool start_tls) {
    auto out = std::make_shared<std::string>(std::move(text));
    with_stream([&](auto& stream) {
      asio::async_write(stream, asio::buffer(*out), [self = shared_from_this(), out, close_after, start_tls](
                                                          boost::system::error_code ec, std::size_t) {
        if (ec || close_after) return self->close();
        if (start_tls) return self->upgrade();
        self->read_line();
      });
    });
  }

  void upgrade() {
    // Anything the client pipelined after STARTTLS is discarded (RFC 3207: command injection).
    buffer_.consume(buffer_.size());
    tls_ = std::make_unique<ssl::stream<tcp::socket>>(std::move(socket_), *tls_ctx_);
    idle_.expires_after(kIdleTimeout);
    idle_.async_wait([self = shared_from_this()](auto e) {
      if (!e) self->close();
    });
    tls_->async_handshake(ssl::stream_base::server, [self = shared_from_this()](boost::system::error_code ec) {
      self->idle_.cancel();
      if (ec) return self->close();
      self->smtp_.on_tls_started();
      self->tls_active_ = true;
      self->read_line();
    });
  }

  void flush_deliveries() {
    while (auto d = smtp_.take_delivery()) {
      if (d->has_message) shared_->stats.smtp_messages.fetch_add(1, std::memory_order_relaxed);
      Observation o;
      o.channel = Channel::kSmtp;
      o.at = system_clock().now();
      o.source = source_;
      o.tokens = d->recipients;
      o.details = {{"helo", d->helo}, {"mail_from", d->mail_from}, {"tls", tls_active_ ? "yes" : "no"}};
      std::string rcpts;
      for (const auto& r : d->recipients) rcpts += (rcpts.empty() ? "" : ",") + r;
      o.details.emplace_back("recipients", rcpts);
      if (d->has_message) {
        o.details.emplace_back("from", d->from);
        o.details.emplace_back("subject", d->subject);
        o.details.emplace_back("message_id", d->message_id);
        o.details.emplace_back("headers", d->headers);
        o.details.emplace_back("size", std::to_string(d->size));
      }
      shared_->sink.observe(std::move(o));
    }
  }

  void close() {
    boost::system::error_code ec;
    idle_.cancel();
    limit_.cancel();
    if (tls_) {
      tls_->lowest_layer().close(ec);
    } else {
      socket_.close(ec);
    }
  }

  tcp::socket socket_;
  std::unique_ptr<ssl::stream<tcp::socket>> tls_;
  asio::steady_timer idle_, limit_;
  Shared shared_;
  std::shared_ptr<ssl::context> tls_ctx_;  // held: a reload must not free it mid-session
  asio::streambuf buffer_;
  SmtpProtocol smtp_;
  std::string source_;
  bool tls_active_ = false;
};

class SmtpServer final : public Server {
 public:
  SmtpServer(asio::io_context& io, Shared shared) : io_(io), acceptor_(io), shared_(shared) {}

  Status listen(const Endpoint& at, bool reuse_port) {
    const std::string where = "listen.smtp " + at.to_string();
    CT_RETURN_IF_ERROR(open_acceptor(acceptor_, at, where, reuse_port));
    accept();
    return Status::Ok();
  }

  void close() override {
    boost::system::error_code ec;
    acceptor_.close(ec);
  }

 private:
  void accept() {
    acceptor_.async_accept(asio::make_strand(io_), [this](boost::system::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
      if (!ec) std::make_shared<SmtpSession>(std::move(socket), shared_, shared_->tls.smtp())->start();
      accept();
    });
  }

  asio::io_context& io_;
  tcp::acceptor acceptor_;
  Shared shared_;
};

}  // namespace

Result<std::unique_ptr<Server>> start_smtp(asio::io_context& io, const Endpoint& at, Shared shared,
                                           bool reuse_port) {
  auto server = std::make_unique<SmtpServer>(io, shared);
  CT_RETURN_IF_ERROR(server->listen(at, reuse_port));
  return std::unique_ptr<Server>(std::move(server));
}

}  // namespace canarytrap::listen
