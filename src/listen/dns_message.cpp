#include "canarytrap/listen/dns_message.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

#include "canarytrap/core/normalize.h"

namespace canarytrap {

namespace {

// Reads big-endian fields from a packet; any read past the end sets `bad` and returns 0.
class WireReader {
 public:
  explicit WireReader(std::span<const std::uint8_t> data) : data_(data) {}
  bool bad() const { return bad_; }
  std::size_t pos() const { return pos_; }
  std::size_t remaining() const { return bad_ ? 0 : data_.size() - pos_; }
  std::uint8_t u8() {
    if (remaining() < 1) return fail();
    return data_[pos_++];
  }
  std::uint16_t u16() {
    if (remaining() < 2) return fail();
    const std::uint16_t v = static_cast<std::uint16_t>(data_[pos_] << 8 | data_[pos_ + 1]);
    pos_ += 2;
    return v;
  }
  std::uint32_t u32() {
    const std::uint32_t hi = u16();
    return hi << 16 | u16();
  }
  std::span<const std::uint8_t> bytes(std::size_t n) {
    if (remaining() < n) {
      fail();
      return {};
    }
    auto s = data_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  // A domain name with compression. Appends the text form (case kept) and the uncompressed
  // wire form. Pointers must point strictly backwards; at most 32 are followed.
  bool name(std::string& text, std::vector<std::uint8_t>& wire) {
    std::size_t p = pos_;
    bool jumped = false;
    int jumps = 0;
    std::size_t total = 1;
    for (;;) {
      if (p >= data_.size()) return fail_bool();
      const std::uint8_t len = data_[p];
      if ((len & 0xC0) == 0xC0) {
        if (p + 1 >= data_.size()) return fail_bool();
        const std::size_t target = static_cast<std::size_t>((len & 0x3F) << 8 | data_[p + 1]);
        if (target >= p || ++jumps > 32) return fail_bool();
        if (!jumped) pos_ = p + 2;
        jumped = true;
        p = target;
        continue;
      }
      if ((len & 0xC0) != 0) return fail_bool();  // 0x40/0x80: obsolete label types
      if (len == 0) {
        wire.push_back(0);
        if (!jumped) pos_ = p + 1;
        return true;
      }
      if (p + 1 + len > data_.size()) return fail_bool();
      total += 1u + len;
      if (total > 255) return fail_bool();
      if (!text.empty()) text += '.';
      wire.push_back(len);
      for (std::size_t i = 0; i < len; ++i) {
        const std::uint8_t c = data_[p + 1 + i];
        wire.push_back(c);
        text += static_cast<char>(c);
      }
      p += 1u + len;
    }
  }

 private:
  std::uint8_t fail() {
    bad_ = true;
    return 0;
  }
  bool fail_bool() {
    bad_ = true;
    return false;
  }
  std::span<const std::uint8_t> data_;
  std::size_t pos_ = 0;
  bool bad_ = false;
};

class WireWriter {
 public:
  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16(std::uint16_t v) {
    out_.push_back(static_cast<std::uint8_t>(v >> 8));
    out_.push_back(static_cast<std::uint8_t>(v));
  }
  void u32(std::uint32_t v) {
    u16(static_cast<std::uint16_t>(v >> 16));
    u16(static_cast<std::uint16_t>(v));
  }
  void bytes(std::span<const std::uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  // A name in text form, uncompressed except for a pointer to `suffix_at` when the name ends
  // with `suffix` (which is written there already).
  void name(std::string_view text, std::string_view suffix = {}, std::uint16_t suffix_at = 0) {
    while (!text.empty()) {
      if (!suffix.empty() && text == suffix) {
        u16(static_cast<std::uint16_t>(0xC000 | suffix_at));
        return;
      }
      const auto dot = text.find('.');
      const std::string_view label = text.substr(0, dot);
      u8(static_cast<std::uint8_t>(label.size()));
      out_.insert(out_.end(), label.begin(), label.end());
      text = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
    }
    u8(0);
  }
  std::size_t size() const { return out_.size(); }
  void patch_u16(std::size_t at, std::uint16_t v) {
    out_[at] = static_cast<std::uint8_t>(v >> 8);
    out_[at + 1] = static_cast<std::uint8_t>(v);
  }
  std::vector<std::uint8_t>& data() { return out_; }

 private:
  std::vector<std::uint8_t> out_;
};

std::uint16_t flags_of(const DnsParse& q, std::uint8_t rcode, bool authoritative) {
  std::uint16_t f = 0x8000;                        // QR
  f |= q.flags & 0x7800;                           // opcode
  if (authoritative) f |= 0x0400;                  // AA
  f |= q.flags & 0x0100;                           // RD, copied
  f |= q.flags & 0x0010 ? 0x0010 : 0;              // CD, copied
  return static_cast<std::uint16_t>(f | (rcode & 0x0F));
}

bool is_under(std::string_view name, std::string_view zone) {
  return name == zone || (name.size() > zone.size() && name.substr(name.size() - zone.size()) == zone &&
                          name[name.size() - zone.size() - 1] == '.');
}

}  // namespace

std::size_t DnsParse::udp_limit() const {
  if (!edns) return 512;
  return std::clamp<std::size_t>(edns_udp_size, 512, 4096);
}

std::string dns_type_name(std::uint16_t type) {
  switch (type) {
    case dns::kTypeA: return "A";
    case dns::kTypeNS: return "NS";
    case dns::kTypeSOA: return "SOA";
    case dns::kTypeMX: return "MX";
    case dns::kTypeTXT: return "TXT";
    case dns::kTypeAAAA: return "AAAA";
    case dns::kTypeANY: return "ANY";
    case 5: return "CNAME";
    case 12: return "PTR";
    case 33: return "SRV";
    case 65: return "HTTPS";
    default: return "TYPE" + std::to_string(type);
  }
}

DnsParse parse_dns_query(std::span<const std::uint8_t> packet) {
  DnsParse q;
  if (packet.size() < 12) {
    q.drop = true;
    return q;
  }
  WireReader r(packet);
  q.id = r.u16();
  q.flags = r.u16();
  const std::uint16_t qdcount = r.u16(), ancount = r.u16(), nscount = r.u16(), arcount = r.u16();
  if (q.flags & 0x8000) {  // a response: never answer one (no reflection loops)
    q.drop = true;
    return q;
  }
  const auto opcode = static_cast<std::uint8_t>((q.flags >> 11) & 0x0F);
  if (qdcount != 1) {
    q.rcode = opcode != 0 ? dns::kNotImp : dns::kFormErr;
    return q;
  }
  std::string text;
  if (!r.name(text, q.qname_wire)) {
    q.rcode = dns::kFormErr;
    return q;
  }
  q.qname = text;
  q.qtype = r.u16();
  q.qclass = r.u16();
  if (r.bad()) {
    q.rcode = dns::kFormErr;
    return q;
  }
  q.has_question = true;
  if (opcode != 0) {
    q.rcode = dns::kNotImp;
    return q;
  }
  if (ancount != 0 || nscount != 0) {
    q.rcode = dns::kFormErr;
    return q;
  }
  // Additional records: at most one OPT; others (TSIG, ...) are not for us.
  for (std::uint16_t i = 0; i < arcount && i < 8; ++i) {
    std::string owner;
    std::vector<std::uint8_t> owner_wire;
    if (!r.name(owner, owner_wire)) {
      q.rcode = dns::kFormErr;
      return q;
    }
    const std::uint16_t type = r.u16(), klass = r.u16();
    const std::uint32_t ttl = r.u32();
    const std::uint16_t rdlen = r.u16();
    auto rdata = r.bytes(rdlen);
    if (r.bad()) {
      q.rcode = dns::kFormErr;
      return q;
    }
    if (type != dns::kTypeOPT) continue;
    if (q.edns || !owner.empty()) {  // a second OPT, or one not at the root
      q.rcode = dns::kFormErr;
      return q;
    }
    q.edns = true;
    q.edns_udp_size = klass;
    q.edns_version = static_cast<std::uint8_t>(ttl >> 16);
    q.edns_do = (ttl & 0x8000) != 0;
    WireReader opts(rdata);
    while (opts.remaining() > 0) {
      const std::uint16_t code = opts.u16(), len = opts.u16();
      auto value = opts.bytes(len);
      if (opts.bad()) {
        q.rcode = dns::kFormErr;
        return q;
      }
      if (code != 8) continue;  // only Client Subnet matters here
      WireReader ecs(value);
      ClientSubnet s;
      s.family = ecs.u16();
      s.source_prefix = ecs.u8();
      s.scope_prefix = ecs.u8();
      const std::size_t max_prefix = s.family == 1 ? 32 : s.family == 2 ? 128 : 0;
      const std::size_t addr_len = (s.source_prefix + 7u) / 8u;
      if (ecs.bad() || max_prefix == 0 || s.source_prefix > max_prefix || s.scope_prefix != 0 ||
          ecs.remaining() != addr_len) {
        q.rcode = dns::kFormErr;
        return q;
      }
      std::uint8_t addr[16] = {};
      auto raw = ecs.bytes(addr_len);
      std::memcpy(addr, raw.data(), raw.size());
      char buf[INET6_ADDRSTRLEN];
      inet_ntop(s.family == 1 ? AF_INET : AF_INET6, addr, buf, sizeof buf);
      s.address = buf;
      q.ecs = s;
    }
  }
  if (q.edns && q.edns_version > 0) q.rcode = dns::kBadVers;
  return q;
}

std::vector<std::uint8_t> build_dns_response(const DnsParse& q, const DnsZones& zones, std::size_t max_size) {
  WireWriter w;
  const std::string name = ascii_lower(q.qname);
  // Which of our domains the name is in, if any.
  std::string apex;
  bool mail = false;
  if (q.has_question) {
    if (is_under(name, zones.zone)) apex = zones.zone;
    for (const auto& d : zones.mail_domains) {
      if (is_under(name, d) && d.size() >= apex.size()) {
        apex = d;
        mail = true;
      }
    }
  }
  std::uint8_t rcode = q.rcode ? static_cast<std::uint8_t>(*q.rcode & 0x0F) : dns::kNoError;
  const bool ours = !apex.empty() && !q.rcode;
  if (!q.rcode && (apex.empty() || q.qclass != 1)) rcode = dns::kRefused;

  // Header; counts patched below.
  w.u16(q.id);
  w.u16(flags_of(q, rcode, ours && q.qclass == 1));
  w.u16(q.has_question ? 1 : 0);
  w.u16(0);
  w.u16(0);
  w.u16(0);
  if (q.has_question) {
    w.bytes(q.qname_wire);  // echoed as received: 0x20 mixed case stays
    w.u16(q.qtype);
    w.u16(q.qclass);
  }
  const std::size_t after_question = w.size();
  std::uint16_t answers = 0, authority = 0;
  const std::uint16_t qname_at = 12;

  if (ours && q.qclass == 1) {
    const bool at_apex = name == apex;
    const auto rr_header = [&](std::uint16_t type, std::uint32_t ttl) {
      w.u16(static_cast<std::uint16_t>(0xC000 | qname_at));
      w.u16(type);
      w.u16(1);
      w.u32(ttl);
    };
    const auto with_rdlength = [&](auto&& write_rdata) {
      const std::size_t len_at = w.size();
      w.u16(0);
      write_rdata();
      w.patch_u16(len_at, static_cast<std::uint16_t>(w.size() - len_at - 2));
    };
    const auto soa_rdata = [&] {
      w.name("ns1." + apex);
      w.name("hostmaster." + apex);
      w.u32(zones.serial);
      w.u32(3600);
      w.u32(600);
      w.u32(604800);
      w.u32(zones.ttl);
    };
    const bool any = q.qtype == dns::kTypeANY;
    if (q.qtype == dns::kTypeA || any) {
      for (const auto& ip : zones.ipv4) {
        in_addr a{};
        inet_pton(AF_INET, ip.c_str(), &a);
        rr_header(dns::kTypeA, zones.ttl);
        w.u16(4);
        w.bytes(std::span(reinterpret_cast<const std::uint8_t*>(&a), 4));
        ++answers;
      }
    }
    if (q.qtype == dns::kTypeAAAA || any) {
      for (const auto& ip : zones.ipv6) {
        in6_addr a{};
        inet_pton(AF_INET6, ip.c_str(), &a);
        rr_header(dns::kTypeAAAA, zones.ttl);
        w.u16(16);
        w.bytes(std::span(reinterpret_cast<const std::uint8_t*>(&a), 16));
        ++answers;
      }
    }
    if (at_apex && (q.qtype == dns::kTypeSOA || any)) {
      rr_header(dns::kTypeSOA, zones.ttl);
      with_rdlength(soa_rdata);
      ++answers;
    }
    if (at_apex && (q.qtype == dns::kTypeNS || any)) {
      rr_header(dns::kTypeNS, 3600);
      with_rdlength([&] { w.name("ns1." + apex); });
      ++answers;
    }
    if (at_apex && mail && (q.qtype == dns::kTypeMX || any)) {
      rr_header(dns::kTypeMX, 3600);
      with_rdlength([&] {
        w.u16(10);
        w.u16(static_cast<std::uint16_t>(0xC000 | qname_at));  // the mail domain itself
      });
      ++answers;
    }
    if (answers == 0) {
      // NODATA: the name exists (every name under the zone does), the type does not.
      w.name(apex);
      w.u16(dns::kTypeSOA);
      w.u16(1);
      w.u32(zones.ttl);
      with_rdlength(soa_rdata);
      ++authority;
    }
  }

  const auto add_opt = [&] {
    if (!q.edns) return std::uint16_t{0};
    w.u8(0);  // root
    w.u16(dns::kTypeOPT);
    w.u16(1232);  // our UDP payload size (the DNS flag day 2020 value)
    const std::uint16_t ext_rcode = q.rcode && *q.rcode == dns::kBadVers ? 1 : 0;
    w.u32(static_cast<std::uint32_t>(ext_rcode) << 24 | (q.edns_do ? 0x8000u : 0u));
    const std::size_t len_at = w.size();
    w.u16(0);
    if (q.ecs) {
      // RFC 7871: echo the option; scope 0 says the answer does not depend on the subnet.
      const std::size_t addr_len = (q.ecs->source_prefix + 7u) / 8u;
      std::uint8_t addr[16] = {};
      inet_pton(q.ecs->family == 1 ? AF_INET : AF_INET6, q.ecs->address.c_str(), addr);
      w.u16(8);
      w.u16(static_cast<std::uint16_t>(4 + addr_len));
      w.u16(q.ecs->family);
      w.u8(q.ecs->source_prefix);
      w.u8(0);
      w.bytes(std::span(addr, addr_len));
    }
    w.patch_u16(len_at, static_cast<std::uint16_t>(w.size() - len_at - 2));
    return std::uint16_t{1};
  };

  std::uint16_t additional = add_opt();
  if (w.size() > max_size) {
    // Truncate: the question and OPT only, with TC so the client retries over TCP.
    w.data().resize(after_question);
    answers = authority = 0;
    w.patch_u16(2, static_cast<std::uint16_t>(flags_of(q, rcode, ours) | 0x0200));
    additional = add_opt();
  }
  w.patch_u16(6, answers);
  w.patch_u16(8, authority);
  w.patch_u16(10, additional);
  return std::move(w.data());
}

}  // namespace canarytrap
