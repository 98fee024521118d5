// Webhook signatures: HMAC-SHA256 over "<unix seconds>.<body>", sent as
//
//   Canarytrap-Signature: t=1795000000,v1=5f2c...(64 hex digits)
//
// The receiver recomputes the HMAC with the shared secret, compares in constant time, and
// refuses timestamps outside its replay window (docs/webhooks.md has the recipe).
//
//   std::string header = sign_webhook(secret, unix_now, body);
//   Status ok = verify_webhook(header, secret, body, unix_now, std::chrono::minutes(5));
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "canarytrap/core/status.h"

namespace canarytrap {

inline constexpr std::string_view kSignatureHeader = "Canarytrap-Signature";

// Lower-case hex HMAC-SHA256 of `message` under `key`.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// The header value: "t=<unix>,v1=<hex>".
std::string sign_webhook(std::string_view secret, std::int64_t unix_seconds, std::string_view body);

// Ok if some v1 signature in `header` matches and t is within `window` of `now_unix`.
Status verify_webhook(std::string_view header, std::string_view secret, std::string_view body, std::int64_t now_unix,
                      std::chrono::seconds window);

}  // namespace canarytrap
