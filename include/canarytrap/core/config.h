// canarytrap.toml: what the config file holds, how it is read, and how it is overridden.
//
// Precedence, lowest first: built-in defaults < the file < CANARYTRAP_* environment
// variables < command-line flags. Every key has one dotted name ("dns.zone") used in the
// file (`[dns]` table, `zone = ...`), in the environment (CANARYTRAP_DNS_ZONE; lists are
// comma-separated) and in flag overrides. Unknown keys in the file are an error (a typo
// must not silently fall back to a default); unknown CANARYTRAP_* variables are warnings.
//
//   Result<Config> cfg = load_config("canarytrap.toml", environment_snapshot(), {});
//
// Relative paths in the file (registry, key file, certificates) are relative to the
// directory holding the file. Secrets live in the files these keys name, never in the
// config itself, so the config can be printed and logged.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "canarytrap/core/status.h"

namespace canarytrap {

// "host:port" or "[v6]:port"; an empty string in the config means "disabled".
struct Endpoint {
  std::string host;
  std::uint16_t port = 0;
  std::string to_string() const;
};
Result<Endpoint> parse_endpoint(std::string_view text);

// One [[alert]] block: where incidents are sent (docs/webhooks.md).
struct AlertDestination {
  std::string name;                   // [a-z0-9_-]+, unique: what `alerts` commands and the outbox call it
  std::string kind;                   // generic slack discord teams jsonl
  std::string url;                    // http(s) URL; jsonl: a file path or "stdout"
  std::filesystem::path secret_file;  // HMAC key for the signature header (required for generic)
  std::vector<std::string> copies;    // only incidents of these copies; empty = all
  std::string min_confidence = "low"; // low: every incident; high: not while every hit is automated
};

struct Config {
  std::filesystem::path file;  // the file it was read from

  // [dns]
  std::string zone;
  std::vector<std::string> mail_domains;
  std::vector<std::string> public_ips;  // A/AAAA answers; normalized

  // [listen]: empty = disabled
  std::string listen_dns, listen_http, listen_https, listen_smtp, listen_admin, listen_metrics;

  // [registry]
  std::filesystem::path registry_path;

  // [secrets]
  std::filesystem::path key_file;

  // [mint]
  std::string url_scheme;  // http | https

  // [tls]
  std::filesystem::path tls_cert, tls_key;

  // [http]
  std::vector<std::string> trusted_proxies;  // whose X-Forwarded-For / X-Real-IP is believed

  // [incidents]
  std::chrono::microseconds quiet_window{std::chrono::hours(24)};  // hits further apart open a new incident

  // [alerts] and [[alert]]
  std::vector<AlertDestination> alerts;
  std::chrono::microseconds alert_digest_interval{std::chrono::minutes(10)};  // later hits, per incident
  std::chrono::microseconds alert_max_age{std::chrono::hours(72)};            // retried for this long
  std::chrono::microseconds alert_timeout{std::chrono::seconds(10)};          // connect, and the whole exchange
  std::chrono::microseconds alert_retry_max_delay{std::chrono::minutes(10)};  // back-off cap
  bool alert_allow_private = false;  // destinations on loopback/private/link-local addresses
  int alert_concurrency = 4;         // requests in flight per destination
  std::string dashboard_url;         // links in alerts; "" = none
  std::filesystem::path alert_ca_file;  // extra CA certificates for https destinations
  std::string alert_digest_text, alert_max_age_text, alert_timeout_text, alert_retry_max_delay_text,
      alert_allow_private_text, alert_concurrency_text;

  // [admin]: the dashboard and /api/v1 on listen_admin
  std::filesystem::path admin_tls_cert, admin_tls_key;  // HTTPS when both are set
  std::filesystem::path admin_web_root;                 // "" = installed next to the binary
  std::uint64_t admin_upload_limit = std::uint64_t{1} << 30;
  std::chrono::microseconds admin_session_ttl{std::chrono::hours(12)};
  std::string admin_upload_limit_text, admin_session_ttl_text;

  // [log]
  std::string log_format;  // text | json
  std::string log_level;   // trace debug info warn error
  std::string log_hits;    // "" off, "stdout", or a file: one JSON line per hit (docs/hit-log.md)

  std::vector<std::string> warnings;  // e.g. unknown CANARYTRAP_* variables
  std::string quiet_window_text;      // as written; parsed into quiet_window
};

using Environment = std::map<std::string, std::string>;
using Overrides = std::map<std::string, std::string>;  // dotted key -> value

// The CANARYTRAP_* variables of this process.
Environment environment_snapshot();

// Reads and validates `file`; see the header comment for the precedence.
Result<Config> load_config(const std::filesystem::path& file, const Environment& env, const Overrides& flags);

// The dotted names of every key, for help texts and tests.
std::vector<std::string> config_keys();

// What `canarytrap init` writes: a commented config with safe local defaults.
struct InitSettings {
  std::string zone;
  std::vector<std::string> mail_domains;
  std::vector<std::string> public_ips;
};
std::string render_config(const InitSettings& settings);

}  // namespace canarytrap
