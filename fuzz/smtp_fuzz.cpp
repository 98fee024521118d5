// libFuzzer target: any bytes as an SMTP dialogue, split into lines as the server does.
// Built and run by scripts/fuzz.sh.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "canarytrap/listen/smtp_protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace canarytrap;
  SmtpProtocol smtp("mx.mail.example.net", {"mail.example.net", "canary.example.net"}, size % 2 == 0);
  std::string_view input(reinterpret_cast<const char*>(data), size);
  while (!input.empty()) {
    const auto nl = input.find('\n');
    std::string_view line = input.substr(0, nl);
    if (line.size() > SmtpProtocol::kMaxLineBytes) return 0;  // the session closes on these
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const SmtpReply r = smtp.on_line(line);
    if (!r.text.empty() && (r.text.size() < 5 || r.text.substr(r.text.size() - 2) != "\r\n")) __builtin_trap();
    if (r.start_tls) smtp.on_tls_started();
    while (auto d = smtp.take_delivery()) {
      if (d->recipients.empty() || d->recipients.size() > SmtpProtocol::kMaxRecipients) __builtin_trap();
    }
    if (r.close) return 0;
    input = nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1);
  }
  smtp.on_close();
  while (smtp.take_delivery()) {
  }
  return 0;
}
