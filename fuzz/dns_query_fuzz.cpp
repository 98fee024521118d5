// libFuzzer target: any bytes as a DNS query, parsed and answered at every size limit.
// Built and run by scripts/fuzz.sh.
#include <cstddef>
#include <cstdint>

#include "canarytrap/listen/dns_message.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace canarytrap;
  static const DnsZones zones = [] {
    DnsZones z;
    z.zone = "canary.example.net";
    z.mail_domains = {"mail.example.net"};
    z.ipv4 = {"192.0.2.1", "192.0.2.2"};
    z.ipv6 = {"2001:db8::1"};
    return z;
  }();
  const DnsParse q = parse_dns_query({data, size});
  if (q.drop) return 0;
  for (std::size_t limit : {std::size_t{12}, std::size_t{512}, q.udp_limit(), std::size_t{65535}}) {
    const auto reply = build_dns_response(q, zones, limit);
    if (reply.size() < 12) __builtin_trap();  // always at least a header
    if (limit >= 512 && reply.size() > limit && reply.size() > 512 + 300) __builtin_trap();
    // The reply must itself parse as a message (with QR set it is dropped, not misread).
    (void)parse_dns_query(reply);
  }
  return 0;
}
