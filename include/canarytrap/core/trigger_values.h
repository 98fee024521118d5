// Minting trigger values: the hostnames, URLs and e-mail addresses that call home.
//
// Every value is drawn from the CSPRNG (secure_random.h) and is built to look ordinary:
//   dns   <label>.<zone>            label: a letter and 16 base-36 characters (> 80 bits),
//                                   like a CDN or asset host (d8k2m0x9q4w7e1r5t.cdn...)
//   http  <scheme>://<label>.<zone>/static/avatars/2019/07/<24 hex>.jpg
//                                   the path id is its own 96-bit token; the host label is a
//                                   dns trigger of the same canary, so the lookup fires first
//   smtp  <name-like local part>@<mail domain>, e.g. wei.zhang1987@mail.example.net
//
// A TriggerValue carries the value as handed out, its normalized form and the token a
// listener matches on (dns: the first label; http: the last path segment without its
// extension, the path id; smtp: the whole lower-case address). The token is a function of the
// normalized form (token_of), so the registry keeps tokens unique and with them the values.
//
//   TriggerMinter minter({.zone = "canary.example.net", .mail_domains = {"mail.example.net"}});
//   TriggerValue v = minter.dns();
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "canarytrap/core/status.h"

namespace canarytrap {

enum class Channel { kDns, kHttp, kSmtp };

std::string_view channel_name(Channel c);
Result<Channel> parse_channel(std::string_view name);

struct TriggerValue {
  Channel channel;
  std::string value;       // as planted / handed out
  std::string normalized;  // unique in the registry, through its token
  std::string token;       // what a listener looks up: token_of(channel, normalized)
};

// The token a normalized value of `channel` carries (see above); empty if it carries none.
// The registry refuses a TriggerValue whose token is not this.
std::string_view token_of(Channel channel, std::string_view normalized);

struct MintSettings {
  std::string zone;                       // normalized
  std::vector<std::string> mail_domains;  // normalized, at least one for smtp()
  std::string url_scheme = "http";        // "http" or "https"
  // The registry's value mark key: tokens (dns labels, URL path ids) are drawn to carry the
  // mark (value_mark.h), so that the scanner passes over look-alikes. None: unmarked.
  std::optional<std::uint64_t> mark_key = std::nullopt;
};

class TriggerMinter {
 public:
  explicit TriggerMinter(MintSettings settings);
  virtual ~TriggerMinter() = default;

  // Virtual so that tests can force collisions; production uses these as they are.
  virtual TriggerValue dns() const;
  // Two values: the http trigger (the URL) and the dns trigger of its host label.
  virtual std::vector<TriggerValue> http() const;
  virtual TriggerValue smtp() const;

  // The high-entropy DNS label alone (exposed for tests of its shape).
  static std::string dns_label();

 private:
  bool keeps(std::string_view token) const;
  MintSettings settings_;
};

}  // namespace canarytrap
