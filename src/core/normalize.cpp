#include "canarytrap/core/normalize.h"

#include <arpa/inet.h>

#include <cctype>

namespace canarytrap {

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

namespace {

bool is_ldh(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

Status bad_name(std::string_view name, const std::string& why) {
  return Status::InvalidArgument("'" + std::string(name) + "' is not a valid DNS name: " + why);
}

}  // namespace

Result<std::string> normalize_dns_name(std::string_view name) {
  std::string n = ascii_lower(name);
  if (!n.empty() && n.back() == '.') n.pop_back();
  if (n.empty()) return bad_name(name, "it is empty");
  if (n.size() > 253) return bad_name(name, "longer than 253 characters");
  std::size_t start = 0;
  while (start <= n.size()) {
    std::size_t dot = n.find('.', start);
    if (dot == std::string::npos) dot = n.size();
    const std::string_view label(n.data() + start, dot - start);
    if (label.empty()) return bad_name(name, "it has an empty label");
    if (label.size() > 63) return bad_name(name, "a label is longer than 63 characters");
    for (char c : label) {
      if (!is_ldh(c)) return bad_name(name, "only letters, digits, '-' and '.' are allowed");
    }
    if (label.front() == '-' || label.back() == '-') return bad_name(name, "a label starts or ends with '-'");
    start = dot + 1;
  }
  return n;
}

Result<std::string> normalize_zone(std::string_view name) {
  auto n = normalize_dns_name(name);
  if (!n) return n;
  if (n->find('.') == std::string::npos) {
    return bad_name(name, "want a domain with at least two labels, e.g. canary.example.net");
  }
  return n;
}

Result<std::string> normalize_email(std::string_view address) {
  const auto at = address.rfind('@');
  const auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("'" + std::string(address) + "' is not a valid e-mail address: " + why);
  };
  if (at == std::string_view::npos) return bad("no '@'");
  const std::string_view local = address.substr(0, at);
  if (local.empty() || local.size() > 64) return bad("the local part must be 1-64 characters");
  static constexpr std::string_view kAtext = "!#$%&'*+-/=?^_`{|}~";
  char prev = '.';
  for (char c : local) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || kAtext.find(c) != std::string_view::npos || c == '.';
    if (!ok) return bad("the local part has a character outside the dot-atom set");
    if (c == '.' && prev == '.') return bad("the local part has an empty dot-separated part");
    prev = c;
  }
  if (local.back() == '.') return bad("the local part ends with '.'");
  auto domain = normalize_dns_name(address.substr(at + 1));
  if (!domain) return bad("the domain is not a valid DNS name");
  return ascii_lower(local) + "@" + *domain;
}

Result<std::string> normalize_ip(std::string_view ip) {
  const std::string s(ip);
  unsigned char buf[16];
  char out[INET6_ADDRSTRLEN];
  if (inet_pton(AF_INET, s.c_str(), buf) == 1) {
    inet_ntop(AF_INET, buf, out, sizeof out);
    return std::string(out);
  }
  if (inet_pton(AF_INET6, s.c_str(), buf) == 1) {
    inet_ntop(AF_INET6, buf, out, sizeof out);
    return std::string(out);
  }
  return Status::InvalidArgument("'" + s + "' is not an IPv4 or IPv6 address");
}

bool is_ipv6(std::string_view normalized_ip) { return normalized_ip.find(':') != std::string_view::npos; }

Result<std::string> normalize_fingerprint(std::string_view kind, std::string_view value) {
  const auto digits = [&] {
    std::string d;
    for (char c : value) {
      if (c >= '0' && c <= '9') d += c;
    }
    return d;
  };
  if (kind == "id_number") {
    std::string out;
    for (char c : value) {
      if (c != ' ') out += static_cast<char>(c == 'x' ? 'X' : c);
    }
    return out;
  }
  if (kind == "ssn" || kind == "card") return digits();
  if (kind == "phone") {
    std::string d = digits();
    if (d.size() == 15 && d.rfind("0086", 0) == 0) d.erase(0, 4);
    if (d.size() == 13 && d.rfind("86", 0) == 0) d.erase(0, 2);
    // 11 digits starting with 1 are a Chinese mobile number, unless written the NANP way
    // with the country code: +1 212..., 1-212-..., 1 (212) ...
    std::string_view v = value;
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    const bool nanp = v.rfind("+1", 0) == 0 || v.rfind("1-", 0) == 0 || v.rfind("1 ", 0) == 0 ||
                      v.rfind("1.", 0) == 0 || v.find('(') != std::string_view::npos;
    if (d.size() == 11 && d[0] == '1' && nanp) d.erase(0, 1);
    return d;
  }
  if (kind == "email" || kind == "url") {
    std::string out = ascii_lower(value);
    if (kind == "url") {
      if (const auto scheme = out.find("://"); scheme != std::string::npos) out.erase(0, scheme + 3);
    }
    return out;
  }
  if (kind == "name_dob") {
    const auto bar = value.rfind('|');
    if (bar == std::string_view::npos) return Status::InvalidArgument("name_dob wants NAME|YYYY-MM-DD");
    // One space between words, none around them: the scanner joins the words to find "Mary
    // Smith" as written, and looks for each word alone to find "SMITH, MARY" or a first
    // name and a last name in columns of their own.
    std::string out;
    for (char c : ascii_lower(value.substr(0, bar))) {
      if (c == ' ' || c == '\t') {
        if (!out.empty() && out.back() != ' ') out += ' ';
      } else {
        out += c;
      }
    }
    if (!out.empty() && out.back() == ' ') out.pop_back();
    out += '|';
    for (char c : value.substr(bar + 1)) {
      if (c >= '0' && c <= '9') out += c;
    }
    return out;
  }
  return Status::InvalidArgument("unknown fingerprint kind '" + std::string(kind) + "'");
}

std::string redact_uri(std::string_view uri) {
  std::string out(uri);
  // user:password@ in the authority.
  const auto scheme_end = out.find("://");
  if (scheme_end != std::string::npos) {
    const auto auth_start = scheme_end + 3;
    auto auth_end = out.find_first_of("/?#", auth_start);
    if (auth_end == std::string::npos) auth_end = out.size();
    const auto at = out.rfind('@', auth_end);
    if (at != std::string::npos && at >= auth_start) {
      const auto colon = out.find(':', auth_start);
      if (colon != std::string::npos && colon < at) out.erase(colon, at - colon);
    }
  }
  // password=... in a query string or a libpq keyword/value list.
  for (std::size_t pos = 0; (pos = ascii_lower(out).find("password=", pos)) != std::string::npos;) {
    const auto value_start = pos + 9;
    auto value_end = out.find_first_of("&; ", value_start);
    if (value_end == std::string::npos) value_end = out.size();
    out.replace(value_start, value_end - value_start, "REDACTED");
    pos = value_start + 8;
  }
  return out;
}

}  // namespace canarytrap
