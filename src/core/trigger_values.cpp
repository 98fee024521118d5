#include "canarytrap/core/trigger_values.h"

#include <cstdio>

#include "canarytrap/core/normalize.h"
#include "canarytrap/core/secure_random.h"
#include "canarytrap/core/tsv.h"
#include "canarytrap/core/value_mark.h"

namespace canarytrap::data {
extern const std::string_view local_part_names_tsv;
}

namespace canarytrap {

std::string_view channel_name(Channel c) {
  switch (c) {
    case Channel::kDns: return "dns";
    case Channel::kHttp: return "http";
    case Channel::kSmtp: return "smtp";
  }
  return "?";
}

Result<Channel> parse_channel(std::string_view name) {
  if (name == "dns") return Channel::kDns;
  if (name == "http") return Channel::kHttp;
  if (name == "smtp") return Channel::kSmtp;
  return Status::InvalidArgument("unknown channel '" + std::string(name) + "' (want dns, http or smtp)");
}

namespace {

constexpr std::string_view kLetters = "abcdefghijklmnopqrstuvwxyz";
constexpr std::string_view kBase36 = "abcdefghijklmnopqrstuvwxyz0123456789";

// Name parts for e-mail local parts, from data/mail/local_part_names.tsv.
struct NamePool {
  std::vector<std::string_view> given, surname;
};
struct NameSets {
  std::vector<NamePool> pools;
};

const NameSets& name_sets() {
  static const NameSets sets = [] {
    NameSets s;
    std::vector<std::string_view> set_names;
    for (const auto& row : parse_tsv(data::local_part_names_tsv)) {
      if (row.size() < 3) continue;
      std::size_t i = 0;
      while (i < set_names.size() && set_names[i] != row[0]) ++i;
      if (i == set_names.size()) {
        set_names.push_back(row[0]);
        s.pools.emplace_back();
      }
      (row[1] == "given" ? s.pools[i].given : s.pools[i].surname).push_back(row[2]);
    }
    return s;
  }();
  return sets;
}

template <typename T>
const T& pick(const std::vector<T>& v) {
  return v[secure_uniform(v.size())];
}

std::string two_digits(unsigned v) {
  char buf[4];
  std::snprintf(buf, sizeof buf, "%02u", v % 100);
  return buf;
}

}  // namespace

std::string_view token_of(Channel channel, std::string_view normalized) {
  switch (channel) {
    case Channel::kDns:
      return normalized.substr(0, normalized.find('.'));
    case Channel::kHttp: {
      const auto slash = normalized.rfind('/');
      if (slash == std::string_view::npos) return {};
      const std::string_view segment = normalized.substr(slash + 1);
      return segment.substr(0, segment.find('.'));
    }
    case Channel::kSmtp:
      return normalized;
  }
  return {};
}

TriggerMinter::TriggerMinter(MintSettings settings) : settings_(std::move(settings)) {}

std::string TriggerMinter::dns_label() {
  std::string label(1, kLetters[secure_uniform(kLetters.size())]);
  label += secure_random_string(16, kBase36);
  return label;
}

// Whether a token drawn may be kept: with a mark key, only one that carries the mark (one
// draw in 16 on average).
bool TriggerMinter::keeps(std::string_view token) const {
  return !settings_.mark_key || ValueMark(*settings_.mark_key).carries(ScanKind::kToken, token);
}

TriggerValue TriggerMinter::dns() const {
  std::string label = dns_label();
  while (!keeps(label)) label = dns_label();
  std::string host = label + "." + settings_.zone;
  return {Channel::kDns, host, host, std::move(label)};
}

std::vector<TriggerValue> TriggerMinter::http() const {
  TriggerValue host = dns();
  std::string id = secure_random_hex(12);
  while (!keeps(id)) id = secure_random_hex(12);
  const std::string year = std::to_string(2014 + secure_uniform(12));
  const std::string month = two_digits(static_cast<unsigned>(1 + secure_uniform(12)));
  std::string path;
  switch (secure_uniform(5)) {
    case 0: path = "/static/avatars/" + year + "/" + month + "/" + id + ".jpg"; break;
    case 1: path = "/uploads/" + year + "/" + month + "/" + id + ".jpg"; break;
    case 2: path = "/media/profile/" + id + ".png"; break;
    case 3: path = "/img/u/" + id + ".jpg"; break;
    default: path = "/photos/" + year + month + "/" + id + ".jpg"; break;
  }
  std::string url = settings_.url_scheme + "://" + host.value + path;
  std::string normalized = host.normalized + path;  // scheme-free: http and https are one value
  return {TriggerValue{Channel::kHttp, std::move(url), std::move(normalized), id}, std::move(host)};
}

TriggerValue TriggerMinter::smtp() const {
  const auto& pools = name_sets().pools;
  const NamePool& pool = pick(pools);
  const std::string_view given = pick(pool.given);
  const std::string_view surname = pick(pool.surname);
  // A birth year or a short number: what people add when their name is taken.
  const std::string year = std::to_string(1960 + secure_uniform(46));
  const std::string number = std::to_string(10 + secure_uniform(9990));
  const std::string& digits = secure_uniform(2) == 0 ? year : number;
  std::string local;
  switch (secure_uniform(5)) {
    case 0: local = std::string(given) + "." + std::string(surname) + digits; break;
    case 1: local = std::string(given) + std::string(surname) + digits; break;
    case 2: local = std::string(1, given.front()) + std::string(surname) + digits; break;
    case 3: local = std::string(surname) + "." + std::string(given) + digits; break;
    default: local = std::string(surname) + std::string(given) + "_" + digits; break;
  }
  const std::string& domain = pick(settings_.mail_domains);
  std::string address = local + "@" + domain;
  std::string normalized = ascii_lower(address);
  return {Channel::kSmtp, address, normalized, normalized};
}

}  // namespace canarytrap
