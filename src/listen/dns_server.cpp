// The DNS listener: UDP (one SO_REUSEPORT socket per thread, so the kernel spreads queries
// over the cores) and TCP (RFC 7766: length-prefixed, pipelined, idle timeout).
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <array>

#include "canarytrap/core/normalize.h"
#include "servers.h"

namespace canarytrap::listen {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;

namespace {

constexpr auto kTcpIdle = std::chrono::seconds(10);
constexpr int kTcpMaxQueries = 100;  // per connection, then close

// Turns a parsed query into an observation: every label of the name is a candidate token.
void observe(const DnsParse& q, const std::string& source, const char* transport, Shared& s) {
  if (!q.has_question || q.rcode) return;
  Observation o;
  o.channel = Channel::kDns;
  o.at = system_clock().now();
  o.source = source;
  const std::string lower = ascii_lower(q.qname);
  std::size_t start = 0;
  while (start < lower.size()) {
    auto dot = lower.find('.', start);
    if (dot == std::string::npos) dot = lower.size();
    if (dot - start >= 16) o.tokens.push_back(lower.substr(start, dot - start));  // trigger labels are 17 long
    start = dot + 1;
  }
  if (o.tokens.empty()) return;
  o.details = {{"qname", q.qname}, {"qtype", dns_type_name(q.qtype)}, {"transport", transport}};
  if (q.ecs) o.details.emplace_back("ecs", q.ecs->to_string());
  s->sink.observe(std::move(o));
}

// The reply to a parsed query (empty and `drop` set when it deserves none).
std::vector<std::uint8_t> answer(const DnsParse& q, std::size_t limit, const std::string& source, const char* transport,
                                 Shared& s, bool& drop) {
  s->stats.dns_queries.fetch_add(1, std::memory_order_relaxed);
  drop = q.drop;
  if (q.drop) {
    s->stats.dns_malformed.fetch_add(1, std::memory_order_relaxed);
    return {};
  }
  if (q.rcode) s->stats.dns_malformed.fetch_add(1, std::memory_order_relaxed);
  observe(q, source, transport, s);
  auto reply = build_dns_response(q, s->config.zones, limit);
  if (reply.size() >= 4 && (reply[3] & 0x0F) == dns::kRefused) s->stats.dns_refused.fetch_add(1, std::memory_order_relaxed);
  return reply;
}

class UdpWorker : public std::enable_shared_from_this<UdpWorker> {
 public:
  UdpWorker(udp::socket socket, Shared shared) : socket_(std::move(socket)), shared_(shared) {}
  void start() { receive(); }
  void close() {
    boost::system::error_code ec;
    socket_.close(ec);
  }

 private:
  void receive() {
    socket_.async_receive_from(asio::buffer(buffer_), peer_, [self = shared_from_this()](auto ec, std::size_t n) {
      if (ec == asio::error::operation_aborted || !self->socket_.is_open()) return;
      if (!ec) self->handle(n);
      self->receive();
    });
  }
  void handle(std::size_t n) {
    bool drop = false;
    const std::string source = endpoint_text(peer_.address(), peer_.port());
    const DnsParse q = parse_dns_query(std::span<const std::uint8_t>(buffer_.data(), n));
    auto reply = answer(q, q.udp_limit(), source, "udp", shared_, drop);
    if (drop) return;
    boost::system::error_code ec;
    socket_.send_to(asio::buffer(reply), peer_, 0, ec);  // UDP: never blocks long; errors ignored
  }

  udp::socket socket_;
  Shared shared_;
  udp::endpoint peer_;
  std::array<std::uint8_t, 4096> buffer_{};
};

class TcpSession : public std::enable_shared_from_this<TcpSession> {
 public:
  TcpSession(tcp::socket socket, Shared shared)
      : socket_(std::move(socket)), timer_(socket_.get_executor()), shared_(shared) {
    shared_->stats.open_connections.fetch_add(1);
  }
  ~TcpSession() { shared_->stats.open_connections.fetch_sub(1); }
  void start() {
    boost::system::error_code ec;
    const auto peer = socket_.remote_endpoint(ec);
    source_ = ec ? "?" : endpoint_text(peer.address(), peer.port());
    read_length();
  }

 private:
  void arm_timer() {
    timer_.expires_after(kTcpIdle);
    timer_.async_wait([self = shared_from_this()](auto ec) {
      if (!ec) {
        boost::system::error_code ignored;
        self->socket_.close(ignored);
      }
    });
  }
  void read_length() {
    if (++queries_ > kTcpMaxQueries) {
      timer_.cancel();
      return;  // enough for one connection: dropping the socket closes it
    }
    arm_timer();
    asio::async_read(socket_, asio::buffer(length_), [self = shared_from_this()](auto ec, std::size_t) {
      if (ec) {  // the peer is gone: no need to wait for the timer
        self->timer_.cancel();
        return;
      }
      const std::size_t len = static_cast<std::size_t>(self->length_[0] << 8 | self->length_[1]);
      if (len == 0) {  // a zero-length frame: nothing to answer, close
        boost::system::error_code ignored;
        self->socket_.close(ignored);
        self->timer_.cancel();
        return;
      }
      self->message_.resize(len);
      self->read_message();
    });
  }
  void read_message() {
    asio::async_read(socket_, asio::buffer(message_), [self = shared_from_this()](auto ec, std::size_t) {
      if (ec) {
        self->timer_.cancel();
        return;
      }
      bool drop = false;
      auto reply = answer(parse_dns_query(self->message_), 65535, self->source_, "tcp", self->shared_, drop);
      if (drop) {
        boost::system::error_code ignored;
        self->socket_.close(ignored);
        self->timer_.cancel();
        return;
      }
      self->out_.resize(2);
      self->out_[0] = static_cast<std::uint8_t>(reply.size() >> 8);
      self->out_[1] = static_cast<std::uint8_t>(reply.size());
      self->out_.insert(self->out_.end(), reply.begin(), reply.end());
      asio::async_write(self->socket_, asio::buffer(self->out_), [self](auto ec2, std::size_t) {
        if (ec2) {
          self->timer_.cancel();
          return;
        }
        self->read_length();
      });
    });
  }

  tcp::socket socket_;
  asio::steady_timer timer_;
  Shared shared_;
  std::string source_;
  std::array<std::uint8_t, 2> length_{};
  std::vector<std::uint8_t> message_, out_;
  int queries_ = 0;
};

class DnsServer final : public Server {
 public:
  DnsServer(asio::io_context& io, Shared shared) : acceptor_(io), shared_(shared) {}

  Status listen(const std::vector<asio::io_context*>& ios, const Endpoint& at) {
    auto addr = parse_address(at.host);
    if (!addr) return addr.status();
    const std::string where = "listen.dns " + at.to_string();
    // Several sockets per thread: the kernel spreads datagrams over SO_REUSEPORT sockets by
    // flow, and with few busy resolvers a socket per thread would leave one thread idle.
    const int sockets = 4 * std::max({1, shared_->config.threads, static_cast<int>(ios.size())});
    for (int i = 0; i < sockets; ++i) {
      udp::socket s(*ios[static_cast<std::size_t>(i) % ios.size()]);
      boost::system::error_code ec;
      const udp::endpoint ep(*addr, at.port);
      s.open(ep.protocol(), ec);
      if (!ec) s.set_option(asio::socket_base::reuse_address(true), ec);
      if (!ec) {
        const int one = 1;
        ::setsockopt(s.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
      }
      if (!ec) s.bind(ep, ec);
      if (ec) return Status::IoError(where + " (udp): " + ec.message());
      auto worker = std::make_shared<UdpWorker>(std::move(s), shared_);
      worker->start();
      udp_.push_back(worker);
    }
    CT_RETURN_IF_ERROR(open_acceptor(acceptor_, at, where + " (tcp)"));
    accept();
    return Status::Ok();
  }

  void close() override {
    boost::system::error_code ec;
    acceptor_.close(ec);
    for (auto& w : udp_) w->close();
  }

 private:
  void accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
      if (!ec) std::make_shared<TcpSession>(std::move(socket), shared_)->start();
      accept();
    });
  }

  tcp::acceptor acceptor_;
  Shared shared_;
  std::vector<std::shared_ptr<UdpWorker>> udp_;
};

}  // namespace

Result<std::unique_ptr<Server>> start_dns(const std::vector<asio::io_context*>& ios, const Endpoint& at,
                                          Shared shared) {
  auto server = std::make_unique<DnsServer>(*ios.front(), shared);
  CT_RETURN_IF_ERROR(server->listen(ios, at));
  return std::unique_ptr<Server>(std::move(server));
}

}  // namespace canarytrap::listen
