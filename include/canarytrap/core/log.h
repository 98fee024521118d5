// Process logging on stderr through spdlog.
//
// `text`: a short human line ("canarytrap: warning: ...") for terminals;
// `json`: one JSON object per line ({"time":..., "level":..., "msg":...}) for collectors.
// Secrets are never passed to the logger: URIs go through redact_uri() first and key
// material is only ever referred to by file name.
//
//   init_logging(LogFormat::kJson, "info");
//   spdlog::info("minted {} canaries", n);
#pragma once

#include <string>
#include <string_view>

namespace canarytrap {

enum class LogFormat { kText, kJson };

// Replaces the default logger; `level` is one of trace debug info warn error off.
void init_logging(LogFormat format, std::string_view level);

// JSON string escaping (RFC 8259), shared by the JSON log formatter and CLI output.
std::string json_escape(std::string_view s);

}  // namespace canarytrap
