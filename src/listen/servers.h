// The listener implementations, private to the listen module: one factory per protocol.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>

#include <memory>
#include <vector>

#include "canarytrap/listen/listeners.h"
#include "tls_contexts.h"

namespace canarytrap::listen {

class Server {
 public:
  virtual ~Server() = default;
  // Closes the server's sockets. Called when no thread runs their io_context any more.
  virtual void close() = 0;
};

// What every session needs, shared with it: sessions still pending when the io_context is
// torn down may outlive the Listeners object, so they hold this, not a reference into it.
struct Context {
  Context(ObservationSink& s, ListenerConfig c) : sink(s), config(std::move(c)) {}
  ObservationSink& sink;  // must outlive the io_context (serve stops the recorder after it)
  ListenerConfig config;
  ListenerStats stats;
  TlsContexts tls;  // loaded at start when a certificate is configured; SIGHUP reloads it
};
using Shared = std::shared_ptr<Context>;

Result<boost::asio::ip::address> parse_address(const std::string& host);
// UDP sockets one per context (SO_REUSEPORT), the TCP listener on the first.
Result<std::unique_ptr<Server>> start_dns(const std::vector<boost::asio::io_context*>& ios, const Endpoint& at,
                                          Shared shared);
// reuse_port: one of several acceptors on the same port, one per io_context.
Result<std::unique_ptr<Server>> start_http(boost::asio::io_context& io, const Endpoint& at, bool tls, Shared shared,
                                           bool reuse_port);
Result<std::unique_ptr<Server>> start_metrics(boost::asio::io_context& io, const Endpoint& at, Shared shared);
Result<std::unique_ptr<Server>> start_smtp(boost::asio::io_context& io, const Endpoint& at, Shared shared,
                                           bool reuse_port);

// Opens, binds (SO_REUSEADDR; SO_REUSEPORT if asked) and listens; errors read "<where>: <reason>".
Status open_acceptor(boost::asio::ip::tcp::acceptor& acceptor, const Endpoint& at, const std::string& where,
                     bool reuse_port = false);

// "203.0.113.9:53124" / "[2001:db8::1]:53124"
std::string endpoint_text(const boost::asio::ip::address& a, unsigned short port);

}  // namespace canarytrap::listen
