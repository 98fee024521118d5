// DNS wire format for an authoritative-only server: parse a query, build the answer.
//
// Pure functions, no I/O; every read is bounds-checked (a WireReader never reads past the
// end of the packet), compression pointers must point backwards and are limited in number,
// names are limited to 255 bytes and labels to 63. Malformed queries get FORMERR (or are
// dropped when not even a header can be read); non-QUERY opcodes NOTIMP; EDNS versions
// above 0 BADVERS. Covers RFC 1035, RFC 6891 (EDNS0) and RFC 7871 (Client Subnet).
//
//   DnsParse p = parse_dns_query(packet);
//   if (p.drop) return;
//   std::vector<uint8_t> reply = build_dns_response(p, zones, /*max_size=*/p.udp_limit());
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace canarytrap {

namespace dns {
inline constexpr std::uint16_t kTypeA = 1, kTypeNS = 2, kTypeSOA = 6, kTypeMX = 15, kTypeTXT = 16, kTypeAAAA = 28,
                               kTypeOPT = 41, kTypeANY = 255;
inline constexpr std::uint8_t kNoError = 0, kFormErr = 1, kServFail = 2, kNxDomain = 3, kNotImp = 4, kRefused = 5;
inline constexpr std::uint16_t kBadVers = 16;
}  // namespace dns

struct ClientSubnet {
  std::uint16_t family = 0;  // 1 IPv4, 2 IPv6
  std::uint8_t source_prefix = 0;
  std::uint8_t scope_prefix = 0;
  std::string address;       // text form of the (zero-padded) address
  std::string to_string() const { return address + "/" + std::to_string(source_prefix); }
};

struct DnsParse {
  bool drop = false;                  // not even a header: say nothing
  std::optional<std::uint16_t> rcode; // set when the query is refused as malformed/unsupported
  std::uint16_t id = 0;
  std::uint16_t flags = 0;            // as received
  bool has_question = false;
  std::string qname;                  // as received (case kept), without the trailing dot; "" = root
  std::uint16_t qtype = 0, qclass = 0;
  std::vector<std::uint8_t> qname_wire;  // the question name in wire form, case kept
  bool edns = false;
  std::uint16_t edns_udp_size = 512;
  std::uint8_t edns_version = 0;
  bool edns_do = false;
  std::optional<ClientSubnet> ecs;

  // The largest UDP answer this client accepts (512 without EDNS, 512..4096 with).
  std::size_t udp_limit() const;
};

DnsParse parse_dns_query(std::span<const std::uint8_t> packet);

// What the server answers for. Names are normalized (lower-case, no trailing dot).
struct DnsZones {
  std::string zone;
  std::vector<std::string> mail_domains;
  std::vector<std::string> ipv4, ipv6;  // A / AAAA answers
  std::uint32_t serial = 1;
  std::uint32_t ttl = 60;
};

// The answer to `q` (which must not be `drop`), at most `max_size` bytes: when the answer
// does not fit, TC is set and the answer sections are left empty.
std::vector<std::uint8_t> build_dns_response(const DnsParse& q, const DnsZones& zones, std::size_t max_size);

std::string dns_type_name(std::uint16_t type);

}  // namespace canarytrap
