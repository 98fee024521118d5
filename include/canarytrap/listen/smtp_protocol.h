// The SMTP dialogue (RFC 5321 subset) as a pure state machine: lines in, replies out.
//
// No I/O, so it can be driven by a socket session, a test or a fuzzer alike. Accepts mail
// only for our mail domains (never a relay: 550 otherwise), caps recipients, message size
// and errors, tolerates pipelining (each line is answered in order). Every accepted
// recipient ends up in exactly one Delivery: when its message is complete, or when the
// transaction is abandoned (RSET, a new MAIL, QUIT, a dropped connection) without one.
//
//   SmtpProtocol smtp("mx.example.net", {"mail.example.net"});
//   send(smtp.greeting());
//   for each line: auto r = smtp.on_line(line); send(r.text); if (r.close) ...
//   while (auto d = smtp.take_delivery()) record(*d);
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace canarytrap {

struct SmtpDelivery {
  std::string helo, mail_from;
  std::vector<std::string> recipients;  // lower-case addresses at our domains
  bool has_message = false;
  std::string from, subject, message_id;  // header values (unfolded, capped)
  std::string headers;                    // the first header lines, capped
  std::size_t size = 0;                   // message bytes received
};

struct SmtpReply {
  std::string text;  // CRLF-terminated reply lines; empty while a message is being received
  bool close = false;
  bool start_tls = false;  // the caller must switch the connection to TLS now
};

class SmtpProtocol {
 public:
  static constexpr std::size_t kMaxMessageBytes = 1024 * 1024;
  static constexpr std::size_t kMaxRecipients = 100;
  static constexpr std::size_t kMaxLineBytes = 4096;  // enforced by the caller's reader
  static constexpr int kMaxErrors = 10;

  SmtpProtocol(std::string hostname, std::vector<std::string> mail_domains, bool tls_available = false);

  std::string greeting() const;
  SmtpReply on_line(std::string_view line);  // one line, without its CRLF
  void on_close();                           // the connection ended: abandon the transaction
  void on_tls_started();                     // after STARTTLS: back to the start, no STARTTLS
  std::optional<SmtpDelivery> take_delivery();
  bool in_data() const { return state_ == State::kData; }

 private:
  enum class State { kCommand, kData };
  SmtpReply command(std::string_view line);
  SmtpReply data_line(std::string_view line);
  void abandon();
  SmtpReply error(std::string text);
  bool our_domain(std::string_view address) const;

  std::string hostname_;
  std::vector<std::string> domains_;
  bool tls_available_;
  State state_ = State::kCommand;
  std::string helo_;
  bool in_transaction_ = false;
  SmtpDelivery current_;
  bool in_headers_ = false;
  bool oversize_ = false;
  std::string* folding_ = nullptr;  // the kept header field a continuation line extends
  int errors_ = 0;
  std::deque<SmtpDelivery> done_;
};

}  // namespace canarytrap
