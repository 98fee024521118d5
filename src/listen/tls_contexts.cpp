#include "tls_contexts.h"

#include <openssl/ssl.h>

namespace canarytrap::listen {

namespace ssl = boost::asio::ssl;

namespace {

// HTTPS: TLS 1.2 and later. SMTP: any TLS, as mail servers still offer TLS 1.0.
Result<std::shared_ptr<ssl::context>> make(const std::string& cert, const std::string& key, bool modern) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  boost::system::error_code ec;
  auto options = ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3;
  if (modern) options |= ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1;
  ctx->set_options(options, ec);
  ctx->use_certificate_chain_file(cert, ec);
  if (ec) return Status::IoError("certificate " + cert + ": " + ec.message());
  ctx->use_private_key_file(key, ssl::context::pem, ec);
  if (ec) return Status::IoError("key " + key + ": " + ec.message());
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    return Status::InvalidArgument("the key " + key + " does not match the certificate " + cert);
  }
  return ctx;
}

}  // namespace

Status TlsContexts::load(const std::string& cert, const std::string& key) {
  auto https = make(cert, key, true);
  if (!https) return https.status();
  auto smtp = make(cert, key, false);
  if (!smtp) return smtp.status();
  std::lock_guard lock(mu_);
  https_ = std::move(*https);
  smtp_ = std::move(*smtp);
  return Status::Ok();
}

bool TlsContexts::loaded() const {
  std::lock_guard lock(mu_);
  return https_ != nullptr;
}

std::shared_ptr<ssl::context> TlsContexts::https() const {
  std::lock_guard lock(mu_);
  return https_;
}

std::shared_ptr<ssl::context> TlsContexts::smtp() const {
  std::lock_guard lock(mu_);
  return smtp_;
}

}  // namespace canarytrap::listen
