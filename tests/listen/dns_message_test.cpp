#include "canarytrap/listen/dns_message.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace canarytrap {
namespace {

using Bytes = std::vector<std::uint8_t>;

void put16(Bytes& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}

void put_name(Bytes& b, const std::string& name) {
  std::size_t start = 0;
  while (start < name.size()) {
    auto dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    b.push_back(static_cast<std::uint8_t>(dot - start));
    b.insert(b.end(), name.begin() + static_cast<long>(start), name.begin() + static_cast<long>(dot));
    start = dot + 1;
  }
  b.push_back(0);
}

struct QueryOptions {
  std::uint16_t id = 0x1234, flags = 0x0100, qdcount = 1, qtype = dns::kTypeA, qclass = 1;
  bool edns = false;
  std::uint16_t udp = 4096;
  std::uint8_t version = 0;
  Bytes ecs;  // raw option value
};

Bytes query(const std::string& name, QueryOptions o = {}) {
  Bytes b;
  put16(b, o.id);
  put16(b, o.flags);
  put16(b, o.qdcount);
  put16(b, 0);
  put16(b, 0);
  put16(b, o.edns ? 1 : 0);
  put_name(b, name);
  put16(b, o.qtype);
  put16(b, o.qclass);
  if (o.edns) {
    b.push_back(0);
    put16(b, dns::kTypeOPT);
    put16(b, o.udp);
    b.push_back(0);
    b.push_back(o.version);
    put16(b, 0);
    Bytes opt;
    if (!o.ecs.empty()) {
      put16(opt, 8);
      put16(opt, static_cast<std::uint16_t>(o.ecs.size()));
      opt.insert(opt.end(), o.ecs.begin(), o.ecs.end());
    }
    put16(b, static_cast<std::uint16_t>(opt.size()));
    b.insert(b.end(), opt.begin(), opt.end());
  }
  return b;
}

DnsZones zones() {
  DnsZones z;
  z.zone = "canary.example.net";
  z.mail_domains = {"mail.example.net"};
  z.ipv4 = {"192.0.2.10"};
  z.ipv6 = {"2001:db8::10"};
  return z;
}

std::uint16_t get16(const Bytes& b, std::size_t at) { return static_cast<std::uint16_t>(b[at] << 8 | b[at + 1]); }
int rcode(const Bytes& r) { return r[3] & 0x0F; }
int answers(const Bytes& r) { return get16(r, 6); }

Bytes respond(const Bytes& q, std::size_t limit = 512) {
  DnsParse p = parse_dns_query(q);
  EXPECT_FALSE(p.drop);
  return build_dns_response(p, zones(), limit);
}

TEST(DnsMessageTest, AnswersAUnderTheZoneAndEchoesMixedCase) {
  const Bytes q = query("a1B2c3.CaNaRy.example.NET");
  const DnsParse p = parse_dns_query(q);
  ASSERT_TRUE(p.has_question);
  EXPECT_EQ(p.qname, "a1B2c3.CaNaRy.example.NET");
  const Bytes r = build_dns_response(p, zones(), 512);
  EXPECT_EQ(get16(r, 0), 0x1234);
  EXPECT_EQ(r[2] & 0x84, 0x84);  // QR and AA
  EXPECT_EQ(r[2] & 0x01, 0x01);  // RD copied
  EXPECT_EQ(r[3] & 0x80, 0);     // RA never
  EXPECT_EQ(rcode(r), dns::kNoError);
  EXPECT_EQ(answers(r), 1);
  // The question is echoed byte for byte (0x20 case kept).
  EXPECT_TRUE(std::equal(q.begin() + 12, q.end(), r.begin() + 12));
  // The answer: a pointer to the question, type A, the address.
  const std::size_t a = q.size();
  EXPECT_EQ(get16(r, a), 0xC00C);
  EXPECT_EQ(get16(r, a + 2), dns::kTypeA);
  EXPECT_EQ(get16(r, a + 10), 4);
  EXPECT_EQ((Bytes{r.begin() + static_cast<long>(a) + 12, r.begin() + static_cast<long>(a) + 16}), (Bytes{192, 0, 2, 10}));
}

TEST(DnsMessageTest, ApexRecordsAndNodata) {
  QueryOptions soa;
  soa.qtype = dns::kTypeSOA;
  EXPECT_EQ(answers(respond(query("canary.example.net", soa))), 1);
  QueryOptions ns;
  ns.qtype = dns::kTypeNS;
  EXPECT_EQ(answers(respond(query("canary.example.net", ns))), 1);
  QueryOptions mx;
  mx.qtype = dns::kTypeMX;
  EXPECT_EQ(answers(respond(query("mail.example.net", mx))), 1);
  QueryOptions aaaa;
  aaaa.qtype = dns::kTypeAAAA;
  EXPECT_EQ(answers(respond(query("x.canary.example.net", aaaa))), 1);
  QueryOptions txt;
  txt.qtype = dns::kTypeTXT;
  const Bytes r = respond(query("x.canary.example.net", txt));
  EXPECT_EQ(rcode(r), dns::kNoError);
  EXPECT_EQ(answers(r), 0);
  EXPECT_EQ(get16(r, 8), 1);  // SOA in the authority section
}

TEST(DnsMessageTest, RefusesNamesOutsideOurZonesAndOtherClasses) {
  const Bytes r = respond(query("www.example.com"));
  EXPECT_EQ(rcode(r), dns::kRefused);
  EXPECT_EQ(r[2] & 0x04, 0);  // not authoritative
  EXPECT_EQ(answers(r), 0);
  EXPECT_EQ(rcode(respond(query("notcanary.example.net"))), dns::kRefused);  // a suffix, not a subdomain
  QueryOptions chaos;
  chaos.qclass = 3;
  EXPECT_EQ(rcode(respond(query("version.bind", chaos))), dns::kRefused);
}

TEST(DnsMessageTest, MalformedQueries) {
  EXPECT_TRUE(parse_dns_query(Bytes{1, 2, 3}).drop);  // shorter than a header
  Bytes response = query("a.canary.example.net");
  response[2] |= 0x80;  // QR set: a response, never answered
  EXPECT_TRUE(parse_dns_query(response).drop);

  Bytes truncated = query("a.canary.example.net");
  truncated.resize(truncated.size() - 3);
  EXPECT_EQ(*parse_dns_query(truncated).rcode, dns::kFormErr);

  QueryOptions two;
  two.qdcount = 2;
  EXPECT_EQ(*parse_dns_query(query("a.canary.example.net", two)).rcode, dns::kFormErr);

  // A label of 64 bytes (0x40 is a reserved label type).
  Bytes long_label = query("a.canary.example.net");
  long_label[12] = 64;
  EXPECT_EQ(*parse_dns_query(long_label).rcode, dns::kFormErr);

  // A name over 255 bytes.
  std::string huge;
  for (int i = 0; i < 5; ++i) huge += std::string(60, 'a') + ".";
  huge += "canary.example.net";
  EXPECT_EQ(*parse_dns_query(query(huge)).rcode, dns::kFormErr);

  // A compression pointer to itself, and one pointing forward.
  Bytes loop(12, 0);
  loop[5] = 1;
  loop.push_back(0xC0);
  loop.push_back(12);
  put16(loop, 1);
  put16(loop, 1);
  EXPECT_EQ(*parse_dns_query(loop).rcode, dns::kFormErr);
  Bytes forward(12, 0);
  forward[5] = 1;
  forward.push_back(0xC0);
  forward.push_back(20);
  put16(forward, 1);
  put16(forward, 1);
  EXPECT_EQ(*parse_dns_query(forward).rcode, dns::kFormErr);

  // Whatever the rcode, the reply is well-formed and says it.
  const DnsParse bad = parse_dns_query(two.qdcount == 2 ? query("a.canary.example.net", two) : Bytes{});
  const Bytes r = build_dns_response(bad, zones(), 512);
  EXPECT_EQ(rcode(r), dns::kFormErr);
}

TEST(DnsMessageTest, NotImplementedOpcodes) {
  QueryOptions notify;
  notify.flags = 4 << 11;  // NOTIFY
  EXPECT_EQ(*parse_dns_query(query("canary.example.net", notify)).rcode, dns::kNotImp);
}

TEST(DnsMessageTest, EdnsSizeAndTruncation) {
  DnsZones many = zones();
  for (int i = 0; i < 60; ++i) many.ipv4.push_back("192.0.2." + std::to_string(20 + i));
  const Bytes plain = query("x.canary.example.net");
  const DnsParse p = parse_dns_query(plain);
  EXPECT_EQ(p.udp_limit(), 512u);
  const Bytes small = build_dns_response(p, many, p.udp_limit());
  EXPECT_LE(small.size(), 512u);
  EXPECT_EQ(small[2] & 0x02, 0x02);  // TC
  EXPECT_EQ(answers(small), 0);
  const Bytes tcp = build_dns_response(p, many, 65535);
  EXPECT_EQ(answers(tcp), 61);
  EXPECT_EQ(tcp[2] & 0x02, 0);

  QueryOptions big;
  big.edns = true;
  big.udp = 4096;
  const DnsParse e = parse_dns_query(query("x.canary.example.net", big));
  EXPECT_EQ(e.udp_limit(), 4096u);
  const Bytes fits = build_dns_response(e, many, e.udp_limit());
  EXPECT_EQ(answers(fits), 61);
  EXPECT_EQ(get16(fits, 10), 1);  // our OPT

  QueryOptions tiny;
  tiny.edns = true;
  tiny.udp = 100;  // below 512: treated as 512
  EXPECT_EQ(parse_dns_query(query("x.canary.example.net", tiny)).udp_limit(), 512u);

  QueryOptions v1;
  v1.edns = true;
  v1.version = 1;
  const DnsParse bv = parse_dns_query(query("x.canary.example.net", v1));
  ASSERT_TRUE(bv.rcode);
  EXPECT_EQ(*bv.rcode, dns::kBadVers);
  const Bytes badvers = build_dns_response(bv, zones(), 512);
  EXPECT_EQ(rcode(badvers), 0);  // BADVERS = 16: low bits 0 in the header...
  EXPECT_EQ(badvers[badvers.size() - 6], 1);  // ...high bits 1 in the OPT TTL
}

TEST(DnsMessageTest, ClientSubnetIsParsedAndEchoedWithScopeZero) {
  QueryOptions o;
  o.edns = true;
  o.ecs = {0, 1, 24, 0, 203, 0, 113};  // IPv4 203.0.113.0/24
  const DnsParse p = parse_dns_query(query("x.canary.example.net", o));
  ASSERT_FALSE(p.rcode);
  ASSERT_TRUE(p.ecs);
  EXPECT_EQ(p.ecs->to_string(), "203.0.113.0/24");
  const Bytes r = build_dns_response(p, zones(), p.udp_limit());
  const Bytes tail(r.end() - 11, r.end());
  EXPECT_EQ(tail, (Bytes{0, 8, 0, 7, 0, 1, 24, 0, 203, 0, 113}));

  QueryOptions wrong_len;
  wrong_len.edns = true;
  wrong_len.ecs = {0, 1, 24, 0, 203, 0};  // 24 bits need 3 bytes
  EXPECT_EQ(*parse_dns_query(query("x.canary.example.net", wrong_len)).rcode, dns::kFormErr);
  QueryOptions bad_family;
  bad_family.edns = true;
  bad_family.ecs = {0, 9, 8, 0, 1};
  EXPECT_EQ(*parse_dns_query(query("x.canary.example.net", bad_family)).rcode, dns::kFormErr);
  QueryOptions v6;
  v6.edns = true;
  v6.ecs = {0, 2, 48, 0, 0x20, 0x01, 0x0d, 0xb8, 0, 1};
  EXPECT_EQ(parse_dns_query(query("x.canary.example.net", v6)).ecs->to_string(), "2001:db8:1::/48");
}

TEST(DnsMessageTest, TypeNames) {
  EXPECT_EQ(dns_type_name(dns::kTypeAAAA), "AAAA");
  EXPECT_EQ(dns_type_name(99), "TYPE99");
}

}  // namespace
}  // namespace canarytrap
