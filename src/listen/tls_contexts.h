// The TLS server contexts of HTTPS and SMTP STARTTLS, replaceable while serving: SIGHUP
// loads the certificate and key again (after a certbot renewal) and new connections use
// them; connections already open keep the context they started with (each holds it).
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <mutex>
#include <string>

#include "canarytrap/core/status.h"

namespace canarytrap::listen {

class TlsContexts {
 public:
  // Reads the PEM certificate chain and key; on any problem keeps the current contexts.
  Status load(const std::string& cert, const std::string& key);
  bool loaded() const;
  std::shared_ptr<boost::asio::ssl::context> https() const;
  std::shared_ptr<boost::asio::ssl::context> smtp() const;

 private:
  mutable std::mutex mu_;
  std::shared_ptr<boost::asio::ssl::context> https_, smtp_;
};

}  // namespace canarytrap::listen
