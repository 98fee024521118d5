#include "canarytrap/core/config.h"

#include <toml++/toml.h>

#include <charconv>
#include <functional>
#include <sstream>

#include "canarytrap/core/clock.h"
#include "canarytrap/core/normalize.h"

extern char** environ;

namespace canarytrap {

std::string Endpoint::to_string() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<Endpoint> parse_endpoint(std::string_view text) {
  const auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("'" + std::string(text) + "' is not a listen address (" + why + "; want HOST:PORT)");
  };
  std::string_view host, port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') return bad("bad [IPv6]");
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad("no port");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  unsigned p = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (ec != std::errc() || end != port.data() + port.size() || p == 0 || p > 65535) return bad("port must be 1-65535");
  auto ip = normalize_ip(host);
  if (!ip) return bad("host must be an IP address");
  return Endpoint{*ip, static_cast<std::uint16_t>(p)};
}

namespace {

enum class Kind { kString, kList, kPath };

struct KeySpec {
  const char* name;
  Kind kind;
  std::function<void(Config&, std::vector<std::string>)> set;
};

const std::vector<KeySpec>& key_specs() {
  using V = std::vector<std::string>;
  static const std::vector<KeySpec> specs = {
      {"dns.zone", Kind::kString, [](Config& c, V v) { c.zone = v[0]; }},
      {"dns.mail_domains", Kind::kList, [](Config& c, V v) { c.mail_domains = std::move(v); }},
      {"dns.public_ips", Kind::kList, [](Config& c, V v) { c.public_ips = std::move(v); }},
      {"listen.dns", Kind::kString, [](Config& c, V v) { c.listen_dns = v[0]; }},
      {"listen.http", Kind::kString, [](Config& c, V v) { c.listen_http = v[0]; }},
      {"listen.https", Kind::kString, [](Config& c, V v) { c.listen_https = v[0]; }},
      {"listen.smtp", Kind::kString, [](Config& c, V v) { c.listen_smtp = v[0]; }},
      {"listen.admin", Kind::kString, [](Config& c, V v) { c.listen_admin = v[0]; }},
      {"listen.metrics", Kind::kString, [](Config& c, V v) { c.listen_metrics = v[0]; }},
      {"registry.path", Kind::kPath, [](Config& c, V v) { c.registry_path = v[0]; }},
      {"secrets.key_file", Kind::kPath, [](Config& c, V v) { c.key_file = v[0]; }},
      {"mint.url_scheme", Kind::kString, [](Config& c, V v) { c.url_scheme = v[0]; }},
      {"tls.cert", Kind::kPath, [](Config& c, V v) { c.tls_cert = v[0]; }},
      {"tls.key", Kind::kPath, [](Config& c, V v) { c.tls_key = v[0]; }},
      {"http.trusted_proxies", Kind::kList, [](Config& c, V v) { c.trusted_proxies = std::move(v); }},
      {"incidents.quiet_window", Kind::kString, [](Config& c, V v) { c.quiet_window_text = v[0]; }},
      {"alerts.digest_interval", Kind::kString, [](Config& c, V v) { c.alert_digest_text = v[0]; }},
      {"alerts.max_age", Kind::kString, [](Config& c, V v) { c.alert_max_age_text = v[0]; }},
      {"alerts.timeout", Kind::kString, [](Config& c, V v) { c.alert_timeout_text = v[0]; }},
      {"alerts.retry_max_delay", Kind::kString, [](Config& c, V v) { c.alert_retry_max_delay_text = v[0]; }},
      {"alerts.allow_private", Kind::kString, [](Config& c, V v) { c.alert_allow_private_text = v[0]; }},
      {"alerts.concurrency", Kind::kString, [](Config& c, V v) { c.alert_concurrency_text = v[0]; }},
      {"alerts.dashboard_url", Kind::kString, [](Config& c, V v) { c.dashboard_url = v[0]; }},
      {"alerts.ca_file", Kind::kPath, [](Config& c, V v) { c.alert_ca_file = v[0]; }},
      {"admin.tls_cert", Kind::kPath, [](Config& c, V v) { c.admin_tls_cert = v[0]; }},
      {"admin.tls_key", Kind::kPath, [](Config& c, V v) { c.admin_tls_key = v[0]; }},
      {"admin.web_root", Kind::kPath, [](Config& c, V v) { c.admin_web_root = v[0]; }},
      {"admin.upload_limit_mib", Kind::kString, [](Config& c, V v) { c.admin_upload_limit_text = v[0]; }},
      {"admin.session_ttl", Kind::kString, [](Config& c, V v) { c.admin_session_ttl_text = v[0]; }},
      {"log.format", Kind::kString, [](Config& c, V v) { c.log_format = v[0]; }},
      {"log.level", Kind::kString, [](Config& c, V v) { c.log_level = v[0]; }},
      {"log.hits", Kind::kString, [](Config& c, V v) { c.log_hits = v[0]; }},
  };
  return specs;
}

const KeySpec* find_spec(std::string_view name) {
  for (const auto& s : key_specs()) {
    if (name == s.name) return &s;
  }
  return nullptr;
}

std::string env_name(std::string_view key) {
  std::string out = "CANARYTRAP_";
  for (char c : key) out += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view item = text.substr(start, comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    start = comma + 1;
  }
  return out;
}

Config defaults() {
  Config c;
  c.public_ips = {"127.0.0.1"};
  c.listen_dns = "127.0.0.1:5353";
  c.listen_http = "127.0.0.1:8080";
  c.listen_smtp = "127.0.0.1:2525";
  c.listen_admin = "127.0.0.1:8081";
  c.listen_metrics = "127.0.0.1:9559";
  c.registry_path = "canarytrap.db";
  c.key_file = "canarytrap.key";
  c.url_scheme = "http";
  c.log_format = "text";
  c.log_level = "info";
  return c;
}

// Applies one value given as text (from the environment or a flag).
Status apply_text(Config& c, const KeySpec& spec, std::string_view text) {
  if (spec.kind == Kind::kList) {
    spec.set(c, split_list(text));
  } else {
    spec.set(c, {std::string(text)});
  }
  return Status::Ok();
}

// [[alert]] blocks: an array of tables, each one destination.
Status apply_alert_blocks(Config& c, const std::filesystem::path& file, const toml::node& node) {
  const auto* blocks = node.as_array();
  if (!blocks) return Status::InvalidArgument(file.string() + ": 'alert' must be [[alert]] blocks");
  for (std::size_t i = 0; i < blocks->size(); ++i) {
    const auto* t = (*blocks)[i].as_table();
    const std::string where = file.string() + ": [[alert]] block " + std::to_string(i + 1);
    if (!t) return Status::InvalidArgument(where + " is not a table");
    AlertDestination d;
    for (const auto& [key, value] : *t) {
      const std::string k(key.str());
      if (k == "copies") {
        const auto* arr = value.as_array();
        if (!arr) return Status::InvalidArgument(where + ": 'copies' must be a list of strings");
        for (const auto& item : *arr) {
          auto s = item.value<std::string>();
          if (!s || !item.is_string()) return Status::InvalidArgument(where + ": 'copies' must be a list of strings");
          d.copies.push_back(*s);
        }
        continue;
      }
      auto s = value.value<std::string>();
      if (!s || !value.is_string()) return Status::InvalidArgument(where + ": '" + k + "' must be a string");
      if (k == "name") {
        d.name = *s;
      } else if (k == "kind") {
        d.kind = *s;
      } else if (k == "url") {
        d.url = *s;
      } else if (k == "secret_file") {
        d.secret_file = *s;
      } else if (k == "min_confidence") {
        d.min_confidence = *s;
      } else {
        return Status::InvalidArgument(where + ": unknown key '" + k +
                                       "' (want name, kind, url, secret_file, copies, min_confidence)");
      }
    }
    c.alerts.push_back(std::move(d));
  }
  return Status::Ok();
}

Status apply_file(Config& c, const std::filesystem::path& file) {
  toml::table root;
  try {
    root = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    return Status::InvalidArgument(file.string() + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) +
                                   ": " + std::string(e.description()));
  }
  for (const auto& [section, node] : root) {
    if (section.str() == "alert") {
      CT_RETURN_IF_ERROR(apply_alert_blocks(c, file, node));
      continue;
    }
    const auto* table = node.as_table();
    if (!table) {
      return Status::InvalidArgument(file.string() + ": unknown key '" + std::string(section.str()) +
                                     "' (keys live in tables such as [dns])");
    }
    for (const auto& [key, value] : *table) {
      const std::string dotted = std::string(section.str()) + "." + std::string(key.str());
      const KeySpec* spec = find_spec(dotted);
      if (!spec) return Status::InvalidArgument(file.string() + ": unknown key '" + dotted + "'");
      const auto wrong_type = [&](const char* want) {
        return Status::InvalidArgument(file.string() + ": key '" + dotted + "' must be " + want);
      };
      if (spec->kind == Kind::kList) {
        const auto* arr = value.as_array();
        if (!arr) return wrong_type("a list of strings");
        std::vector<std::string> items;
        for (const auto& item : *arr) {
          const auto s = item.value<std::string>();
          if (!s) return wrong_type("a list of strings");
          items.push_back(*s);
        }
        spec->set(c, std::move(items));
      } else {
        const auto s = value.value<std::string>();
        if (!s || !value.is_string()) return wrong_type("a string");
        spec->set(c, {*s});
      }
    }
  }
  return Status::Ok();
}

Status validate(Config& c) {
  if (c.zone.empty()) return Status::InvalidArgument("dns.zone is not set");
  auto zone = normalize_zone(c.zone);
  if (!zone) return zone.status().WithContext("dns.zone");
  c.zone = *zone;
  if (c.mail_domains.empty()) return Status::InvalidArgument("dns.mail_domains is empty (want at least one mail domain)");
  for (auto& d : c.mail_domains) {
    auto n = normalize_zone(d);
    if (!n) return n.status().WithContext("dns.mail_domains");
    d = *n;
  }
  for (auto& ip : c.public_ips) {
    auto n = normalize_ip(ip);
    if (!n) return n.status().WithContext("dns.public_ips");
    ip = *n;
  }
  for (auto& ip : c.trusted_proxies) {
    auto n = normalize_ip(ip);
    if (!n) return n.status().WithContext("http.trusted_proxies");
    ip = *n;
  }
  const std::pair<const char*, std::string*> listens[] = {
      {"listen.dns", &c.listen_dns},     {"listen.http", &c.listen_http},   {"listen.https", &c.listen_https},
      {"listen.smtp", &c.listen_smtp},   {"listen.admin", &c.listen_admin}, {"listen.metrics", &c.listen_metrics}};
  for (auto& [name, value] : listens) {
    if (value->empty()) continue;
    auto ep = parse_endpoint(*value);
    if (!ep) return ep.status().WithContext(name);
    *value = ep->to_string();
  }
  if (c.url_scheme != "http" && c.url_scheme != "https") {
    return Status::InvalidArgument("mint.url_scheme must be http or https, not '" + c.url_scheme + "'");
  }
  if (c.log_format != "text" && c.log_format != "json") {
    return Status::InvalidArgument("log.format must be text or json, not '" + c.log_format + "'");
  }
  static const char* kLevels[] = {"trace", "debug", "info", "warn", "error", "off"};
  bool level_ok = false;
  for (const char* l : kLevels) level_ok = level_ok || c.log_level == l;
  if (!level_ok) return Status::InvalidArgument("log.level must be one of trace, debug, info, warn, error, off");
  if (!c.quiet_window_text.empty()) {
    // A duration: parse it as "that long ago" from a fixed point.
    const TimePoint zero = from_unix_micros(0) + std::chrono::hours(24 * 365 * 200);
    auto t = parse_time(c.quiet_window_text, zero);
    if (!t || c.quiet_window_text.find('-') != std::string::npos) {
      return Status::InvalidArgument("incidents.quiet_window must be a duration like 30m, 24h or 7d, not '" +
                                     c.quiet_window_text + "'");
    }
    c.quiet_window = std::chrono::duration_cast<std::chrono::microseconds>(zero - *t);
  }
  const auto duration = [&](const char* key, const std::string& text, std::chrono::microseconds& out) -> Status {
    if (text.empty()) return Status::Ok();
    const TimePoint zero = from_unix_micros(0) + std::chrono::hours(24 * 365 * 200);
    auto t = parse_time(text, zero);
    if (!t || text.find('-') != std::string::npos || *t == zero) {
      return Status::InvalidArgument(std::string(key) + " must be a duration like 30s, 10m or 3d, not '" + text + "'");
    }
    out = std::chrono::duration_cast<std::chrono::microseconds>(zero - *t);
    return Status::Ok();
  };
  CT_RETURN_IF_ERROR(duration("alerts.digest_interval", c.alert_digest_text, c.alert_digest_interval));
  CT_RETURN_IF_ERROR(duration("alerts.max_age", c.alert_max_age_text, c.alert_max_age));
  CT_RETURN_IF_ERROR(duration("alerts.timeout", c.alert_timeout_text, c.alert_timeout));
  CT_RETURN_IF_ERROR(duration("alerts.retry_max_delay", c.alert_retry_max_delay_text, c.alert_retry_max_delay));
  CT_RETURN_IF_ERROR(duration("admin.session_ttl", c.admin_session_ttl_text, c.admin_session_ttl));
  if (!c.admin_upload_limit_text.empty()) {
    std::int64_t mib = 0;
    const auto& t = c.admin_upload_limit_text;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), mib);
    if (ec != std::errc() || end != t.data() + t.size() || mib < 1 || mib > 1024 * 1024) {
      return Status::InvalidArgument("admin.upload_limit_mib must be a whole number of MiB from 1 to 1048576, not '" +
                                     t + "'");
    }
    c.admin_upload_limit = static_cast<std::uint64_t>(mib) << 20;
  }
  if (c.admin_tls_cert.empty() != c.admin_tls_key.empty()) {
    return Status::InvalidArgument("admin.tls_cert and admin.tls_key must be set together");
  }
  if (!c.alert_allow_private_text.empty()) {
    if (c.alert_allow_private_text != "true" && c.alert_allow_private_text != "false") {
      return Status::InvalidArgument("alerts.allow_private must be \"true\" or \"false\"");
    }
    c.alert_allow_private = c.alert_allow_private_text == "true";
  }
  if (!c.alert_concurrency_text.empty()) {
    int n = 0;
    auto [end, ec] = std::from_chars(c.alert_concurrency_text.data(),
                                     c.alert_concurrency_text.data() + c.alert_concurrency_text.size(), n);
    if (ec != std::errc() || end != c.alert_concurrency_text.data() + c.alert_concurrency_text.size() || n < 1 ||
        n > 64) {
      return Status::InvalidArgument("alerts.concurrency must be a number from 1 to 64");
    }
    c.alert_concurrency = n;
  }
  if (!c.dashboard_url.empty() && c.dashboard_url.rfind("http://", 0) != 0 && c.dashboard_url.rfind("https://", 0) != 0) {
    return Status::InvalidArgument("alerts.dashboard_url must start with http:// or https://");
  }
  for (std::size_t i = 0; i < c.alerts.size(); ++i) {
    AlertDestination& d = c.alerts[i];
    const std::string where = "[[alert]] " + (d.name.empty() ? "block " + std::to_string(i + 1) : "'" + d.name + "'");
    if (d.name.empty() || d.name.size() > 64 ||
        d.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos) {
      return Status::InvalidArgument(where + ": name must be 1-64 of a-z, 0-9, _ and -");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (c.alerts[j].name == d.name) return Status::InvalidArgument(where + ": name used twice");
    }
    if (d.kind != "generic" && d.kind != "slack" && d.kind != "discord" && d.kind != "teams" && d.kind != "jsonl") {
      return Status::InvalidArgument(where + ": kind must be generic, slack, discord, teams or jsonl, not '" + d.kind + "'");
    }
    if (d.kind == "jsonl") {
      if (d.url.empty()) return Status::InvalidArgument(where + ": url must be a file path or \"stdout\"");
    } else if (d.url.rfind("http://", 0) != 0 && d.url.rfind("https://", 0) != 0) {
      return Status::InvalidArgument(where + ": url must start with http:// or https://");
    }
    if (d.kind == "generic" && d.secret_file.empty()) {
      return Status::InvalidArgument(where + ": secret_file is required for generic webhooks (they are signed)");
    }
    if (d.min_confidence != "low" && d.min_confidence != "high") {
      return Status::InvalidArgument(where + ": min_confidence must be low or high");
    }
  }
  if (c.registry_path.empty()) return Status::InvalidArgument("registry.path is empty");
  if (c.key_file.empty()) return Status::InvalidArgument("secrets.key_file is empty");
  return Status::Ok();
}

void resolve_relative(Config& c) {
  const auto base = c.file.has_parent_path() ? c.file.parent_path() : std::filesystem::path(".");
  for (auto* p : {&c.registry_path, &c.key_file, &c.tls_cert, &c.tls_key, &c.alert_ca_file}) {
    if (!p->empty() && p->is_relative()) *p = (base / *p).lexically_normal();
  }
  for (auto& d : c.alerts) {
    if (!d.secret_file.empty() && d.secret_file.is_relative()) d.secret_file = (base / d.secret_file).lexically_normal();
    if (d.kind == "jsonl" && d.url != "stdout" && std::filesystem::path(d.url).is_relative()) {
      d.url = (base / d.url).lexically_normal().string();
    }
  }
}

}  // namespace

Environment environment_snapshot() {
  Environment env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    if (kv.rfind("CANARYTRAP_", 0) != 0) continue;
    const auto eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
  }
  return env;
}

std::vector<std::string> config_keys() {
  std::vector<std::string> out;
  for (const auto& s : key_specs()) out.emplace_back(s.name);
  return out;
}

Result<Config> load_config(const std::filesystem::path& file, const Environment& env, const Overrides& flags) {
  Config c = defaults();
  c.file = file;
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    return Status::NotFound("no config at " + file.string() + "; run `canarytrap init` to create one");
  }
  CT_RETURN_IF_ERROR(apply_file(c, file));
  // Paths from the file are relative to it; paths from the environment or flags are
  // relative to the working directory, as a shell user expects.
  resolve_relative(c);

  for (const auto& [name, value] : env) {
    if (name == "CANARYTRAP_CONFIG") continue;
    const KeySpec* match = nullptr;
    for (const auto& s : key_specs()) {
      if (env_name(s.name) == name) match = &s;
    }
    if (!match) {
      c.warnings.push_back("ignoring unknown environment variable " + name);
      continue;
    }
    CT_RETURN_IF_ERROR(apply_text(c, *match, value));
  }
  for (const auto& [key, value] : flags) {
    const KeySpec* spec = find_spec(key);
    if (!spec) return Status::Internal("unknown config key in a flag override: " + key);
    CT_RETURN_IF_ERROR(apply_text(c, *spec, value));
  }
  CT_RETURN_IF_ERROR(validate(c).WithContext(file.string()));
  return c;
}

namespace {
std::string toml_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    out += "\"" + items[i] + "\"";
  }
  return out + "]";
}
}  // namespace

std::string render_config(const InitSettings& s) {
  std::ostringstream out;
  out << "# canarytrap configuration. Every key can be overridden by an environment variable:\n"
         "# [dns] zone = ...  ->  CANARYTRAP_DNS_ZONE=...  (lists: comma-separated).\n"
         "# Relative paths are relative to this file's directory.\n\n"
         "[dns]\n"
         "# The zone delegated to canarytrap's DNS listener; dns and http triggers live under it.\n"
      << "zone = \"" << s.zone << "\"\n"
      << "# Domains whose MX points at canarytrap; smtp triggers are addresses at these.\n"
      << "mail_domains = " << toml_list(s.mail_domains) << "\n"
      << "# Addresses returned for A/AAAA queries under the zone (this host's public addresses).\n"
      << "public_ips = " << toml_list(s.public_ips) << "\n\n"
      << "[listen]\n"
         "# Safe local defaults; in production use 0.0.0.0:53, :80, :443 and :25 (see docs/deploy.md).\n"
         "# An empty string disables a listener.\n"
         "dns = \"127.0.0.1:5353\"\n"
         "http = \"127.0.0.1:8080\"\n"
         "https = \"\"\n"
         "smtp = \"127.0.0.1:2525\"\n"
         "admin = \"127.0.0.1:8081\"\n"
         "metrics = \"127.0.0.1:9559\"\n\n"
         "[registry]\n"
         "path = \"canarytrap.db\"\n\n"
         "[secrets]\n"
         "# 32 random bytes (hex), mode 0600: signs webhooks and sessions. Never printed.\n"
         "key_file = \"canarytrap.key\"\n\n"
         "[mint]\n"
         "# Scheme of minted http trigger URLs; use https once [tls] holds a certificate.\n"
         "url_scheme = \"http\"\n\n"
         "[tls]\n"
         "# PEM files (e.g. from certbot) for listen.https and SMTP STARTTLS.\n"
         "cert = \"\"\n"
         "key = \"\"\n\n"
         "[http]\n"
         "# Reverse proxies whose X-Forwarded-For / X-Real-IP headers are believed.\n"
         "trusted_proxies = []\n\n"
         "[incidents]\n"
         "# Hits on one copy closer together than this belong to one incident.\n"
         "quiet_window = \"24h\"\n\n"
         "[alerts]\n"
         "# Later hits of an incident are sent as one digest at most this often.\n"
         "digest_interval = \"10m\"\n"
         "# Undelivered alerts are retried (exponential back-off) for this long.\n"
         "max_age = \"3d\"\n"
         "# Link to the dashboard in alerts, e.g. \"https://canarytrap.example.net:8081\".\n"
         "dashboard_url = \"\"\n\n"
         "# Destinations: one [[alert]] block each (docs/webhooks.md). For example:\n"
         "# [[alert]]\n"
         "# name = \"soc\"\n"
         "# kind = \"generic\"            # generic, slack, discord, teams or jsonl\n"
         "# url = \"https://siem.example.net/hooks/canarytrap\"\n"
         "# secret_file = \"soc.secret\"  # HMAC-SHA256 key for the Canarytrap-Signature header\n"
         "# copies = []                  # only these copies; empty = all\n"
         "# min_confidence = \"low\"      # high: skip incidents while every hit is automated\n\n"
         "[admin]\n"
         "# The dashboard and /api/v1 on listen.admin. HTTPS when both files are set.\n"
         "# Create a key to log in with: canarytrap keys create --name you --role admin\n"
         "tls_cert = \"\"\n"
         "tls_key = \"\"\n"
         "# Largest dump the dashboard's scan upload accepts.\n"
         "upload_limit_mib = \"1024\"\n"
         "# A dashboard login lasts this long without use.\n"
         "session_ttl = \"12h\"\n\n"
         "[log]\n"
         "format = \"text\"  # or json (JSON lines)\n"
         "level = \"info\"\n"
         "# Every hit as one JSON line for a SIEM (Splunk, Elastic, Loki): \"stdout\" or a file path.\n"
         "hits = \"\"\n";
  return out.str();
}

}  // namespace canarytrap
