#include "canarytrap/core/trigger_values.h"
#include "canarytrap/core/value_mark.h"

#include <gtest/gtest.h>

#include <cmath>
#include <regex>
#include <set>

namespace canarytrap {
namespace {

TriggerMinter minter() { return TriggerMinter({"canary.example.net", {"mail.example.net", "post.example.org"}, "https"}); }

TEST(TriggerValuesTest, DnsLabelsLookLikeAssetHostsAndCarryOver80Bits) {
  const std::regex shape("[a-z][a-z0-9]{16}");
  for (int i = 0; i < 200; ++i) {
    const std::string label = TriggerMinter::dns_label();
    EXPECT_TRUE(std::regex_match(label, shape)) << label;
  }
  // 26 * 36^16 choices.
  EXPECT_GT(std::log2(26.0) + 16 * std::log2(36.0), 80.0);
}

TEST(TriggerValuesTest, DnsValuesAreUnderTheZone) {
  const TriggerValue v = minter().dns();
  EXPECT_EQ(v.channel, Channel::kDns);
  EXPECT_EQ(v.value, v.token + ".canary.example.net");
  EXPECT_EQ(v.normalized, v.value);
}

TEST(TriggerValuesTest, HttpValuesAreAssetUrlsWhoseHostIsADnsTrigger) {
  const std::regex url(
      R"(https://([a-z][a-z0-9]{16})\.canary\.example\.net/(static/avatars/\d{4}/\d{2}|uploads/\d{4}/\d{2}|media/profile|img/u|photos/\d{6})/([0-9a-f]{24})\.(jpg|png))");
  for (int i = 0; i < 100; ++i) {
    const auto values = minter().http();
    ASSERT_EQ(values.size(), 2u);
    const TriggerValue& http = values[0];
    const TriggerValue& dns = values[1];
    std::smatch m;
    ASSERT_TRUE(std::regex_match(http.value, m, url)) << http.value;
    EXPECT_EQ(http.channel, Channel::kHttp);
    EXPECT_EQ(http.token, m[3].str());
    EXPECT_EQ(dns.channel, Channel::kDns);
    EXPECT_EQ(dns.token, m[1].str());
    // The scheme is not part of the identity: http:// and https:// fetches are one value.
    EXPECT_EQ(http.normalized.rfind(dns.value + "/", 0), 0u);
  }
}

TEST(TriggerValuesTest, SmtpValuesAreNameLikeAddressesAtOurDomains) {
  const std::regex addr(R"(([a-z]+[._]?)+\d{2,4}@(mail\.example\.net|post\.example\.org))");
  std::set<std::string> domains, values;
  for (int i = 0; i < 500; ++i) {
    const TriggerValue v = minter().smtp();
    EXPECT_TRUE(std::regex_match(v.value, addr)) << v.value;
    EXPECT_EQ(v.normalized, v.value);
    EXPECT_EQ(v.token, v.normalized);
    domains.insert(v.value.substr(v.value.find('@') + 1));
    values.insert(v.value);
  }
  EXPECT_EQ(domains.size(), 2u);
  EXPECT_GT(values.size(), 490u);  // name-like, so rare repeats are possible; the registry retries those
}

TEST(TriggerValuesTest, ChannelNamesRoundTrip) {
  for (Channel c : {Channel::kDns, Channel::kHttp, Channel::kSmtp}) {
    auto parsed = parse_channel(channel_name(c));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(*parsed, c);
  }
  EXPECT_FALSE(parse_channel("ftp"));
}

}  // namespace
}  // namespace canarytrap

namespace canarytrap {
namespace {

// With the registry's key, tokens are drawn to carry its mark: the scanner looks up only
// look-alikes that carry it. Without a key they need not (one in 16 would by chance).
TEST(TriggerValuesTest, TokensCarryTheRegistrysMark) {
  const ValueMark mark(0x5eed5eed5eed5eedULL);
  const TriggerMinter marked({"canary.example.net", {"mail.example.net"}, "http", mark.key()});
  const TriggerMinter unmarked({"canary.example.net", {"mail.example.net"}, "http"});
  int unmarked_carrying = 0;
  for (int i = 0; i < 200; ++i) {
    const TriggerValue dns = marked.dns();
    EXPECT_TRUE(mark.carries(ScanKind::kToken, dns.token)) << dns.token;
    for (const TriggerValue& v : marked.http()) EXPECT_TRUE(mark.carries(ScanKind::kToken, v.token)) << v.token;
    unmarked_carrying += mark.carries(ScanKind::kToken, unmarked.dns().token);
  }
  EXPECT_LT(unmarked_carrying, 40);  // about 12
}

}  // namespace
}  // namespace canarytrap
