// The listener implementations, private to the listen module: one factory per protocol.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>

#include <memory>

#include "canarytrap/listen/listeners.h"

namespace canarytrap::listen {

class Server {
 public:
  virtual ~Server() = default;
  virtual void stop() = 0;
};

struct Shared {
  ObservationSink& sink;
  ListenerStats& stats;
  const ListenerConfig& config;
};

Result<boost::asio::ip::address> parse_address(const std::string& host);
Result<std::unique_ptr<Server>> start_dns(boost::asio::io_context& io, const Endpoint& at, Shared shared);
Result<std::unique_ptr<Server>> start_http(boost::asio::io_context& io, const Endpoint& at, bool tls, Shared shared);
Result<std::unique_ptr<Server>> start_smtp(boost::asio::io_context& io, const Endpoint& at, Shared shared);

// "203.0.113.9:53124" / "[2001:db8::1]:53124"
std::string endpoint_text(const boost::asio::ip::address& a, unsigned short port);

}  // namespace canarytrap::listen
