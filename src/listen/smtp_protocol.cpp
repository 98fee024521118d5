#include "canarytrap/listen/smtp_protocol.h"

#include <cctype>

#include "canarytrap/core/normalize.h"

namespace canarytrap {

namespace {

std::string upper_word(std::string_view line) {
  std::string w;
  for (char c : line) {
    if (c == ' ' || c == ':') break;
    w += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return w;
}

bool starts_with_ci(std::string_view s, std::string_view p) {
  if (s.size() < p.size()) return false;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(s[i])) != std::toupper(static_cast<unsigned char>(p[i]))) return false;
  }
  return true;
}

// The address inside "FROM:<a@b> SIZE=..." / "TO:<a@b>"; nullopt when malformed.
std::optional<std::string> path_of(std::string_view args) {
  const auto colon = args.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view rest = args.substr(colon + 1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  if (rest.empty() || rest.front() != '<') return std::nullopt;
  const auto close = rest.find('>');
  if (close == std::string_view::npos) return std::nullopt;
  std::string_view addr = rest.substr(1, close - 1);
  // Source routes (@a,@b:user@host) are obsolete: keep the mailbox.
  if (!addr.empty() && addr.front() == '@') {
    const auto c = addr.find(':');
    if (c == std::string_view::npos) return std::nullopt;
    addr = addr.substr(c + 1);
  }
  if (addr.size() > 254) return std::nullopt;
  return std::string(addr);
}

constexpr std::size_t kHeaderCap = 8192;

std::string cap(std::string s, std::size_t n) {
  if (s.size() > n) s.resize(n);
  return s;
}

}  // namespace

SmtpProtocol::SmtpProtocol(std::string hostname, std::vector<std::string> mail_domains, bool tls_available)
    : hostname_(std::move(hostname)), domains_(std::move(mail_domains)), tls_available_(tls_available) {}

std::string SmtpProtocol::greeting() const { return "220 " + hostname_ + " ESMTP Postfix\r\n"; }

bool SmtpProtocol::our_domain(std::string_view address) const {
  const auto at = address.rfind('@');
  if (at == std::string_view::npos) return false;
  const std::string domain = ascii_lower(address.substr(at + 1));
  for (const auto& d : domains_) {
    if (domain == d) return true;
  }
  return false;
}

SmtpReply SmtpProtocol::error(std::string text) {
  if (++errors_ >= kMaxErrors) return {"421 4.7.0 " + hostname_ + " Error: too many errors\r\n", true, false};
  return {std::move(text), false, false};
}

void SmtpProtocol::abandon() {
  if (in_transaction_ && !current_.recipients.empty()) done_.push_back(std::move(current_));
  current_ = SmtpDelivery();
  in_transaction_ = false;
}

void SmtpProtocol::on_close() { abandon(); }

void SmtpProtocol::on_tls_started() {
  abandon();
  helo_.clear();
  tls_available_ = false;
}

std::optional<SmtpDelivery> SmtpProtocol::take_delivery() {
  if (done_.empty()) return std::nullopt;
  SmtpDelivery d = std::move(done_.front());
  done_.pop_front();
  return d;
}

SmtpReply SmtpProtocol::on_line(std::string_view line) {
  return state_ == State::kData ? data_line(line) : command(line);
}

SmtpReply SmtpProtocol::command(std::string_view line) {
  const std::string verb = upper_word(line);
  const std::string_view args = line.size() > verb.size() ? line.substr(verb.size()) : std::string_view();
  if (verb == "EHLO" || verb == "HELO") {
    std::string_view name = args;
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    if (name.empty()) return error("501 5.5.4 Syntax: " + verb + " hostname\r\n");
    abandon();
    helo_ = cap(std::string(name), 255);
    if (verb == "HELO") return {"250 " + hostname_ + "\r\n"};
    std::string r = "250-" + hostname_ + "\r\n250-PIPELINING\r\n250-SIZE " + std::to_string(kMaxMessageBytes) +
                    "\r\n250-8BITMIME\r\n";
    if (tls_available_) r += "250-STARTTLS\r\n";
    return {r + "250 SMTPUTF8\r\n"};
  }
  if (verb == "MAIL") {
    if (in_transaction_) return error("503 5.5.1 Error: nested MAIL command\r\n");
    if (!starts_with_ci(args, " FROM:") && !starts_with_ci(args, "FROM:")) {
      return error("501 5.5.4 Syntax: MAIL FROM:<address>\r\n");
    }
    auto from = path_of(args);
    if (!from) return error("501 5.1.7 Bad sender address syntax\r\n");
    const auto size_at = ascii_lower(args).find("size=");
    if (size_at != std::string::npos) {
      std::size_t declared = 0;
      for (std::size_t i = size_at + 5; i < args.size() && std::isdigit(static_cast<unsigned char>(args[i])); ++i) {
        declared = declared * 10 + static_cast<std::size_t>(args[i] - '0');
        if (declared > kMaxMessageBytes) return error("552 5.3.4 Message size exceeds fixed limit\r\n");
      }
    }
    current_ = SmtpDelivery();
    current_.helo = helo_;
    current_.mail_from = *from;
    in_transaction_ = true;
    return {"250 2.1.0 Ok\r\n"};
  }
  if (verb == "RCPT") {
    if (!in_transaction_) return error("503 5.5.1 Error: need MAIL command\r\n");
    if (!starts_with_ci(args, " TO:") && !starts_with_ci(args, "TO:")) return error("501 5.5.4 Syntax: RCPT TO:<address>\r\n");
    auto to = path_of(args);
    if (!to || to->empty()) return error("501 5.1.3 Bad recipient address syntax\r\n");
    if (!our_domain(*to)) return error("550 5.7.1 <" + cap(*to, 254) + ">: Relay access denied\r\n");
    if (current_.recipients.size() >= kMaxRecipients) return {"452 4.5.3 Error: too many recipients\r\n"};
    current_.recipients.push_back(ascii_lower(*to));
    return {"250 2.1.5 Ok\r\n"};
  }
  if (verb == "DATA") {
    if (!in_transaction_ || current_.recipients.empty()) return error("503 5.5.1 Error: need RCPT command\r\n");
    state_ = State::kData;
    in_headers_ = true;
    folding_ = nullptr;
    oversize_ = false;
    current_.has_message = true;
    return {"354 End data with <CR><LF>.<CR><LF>\r\n"};
  }
  if (verb == "RSET") {
    abandon();
    return {"250 2.0.0 Ok\r\n"};
  }
  if (verb == "NOOP") return {"250 2.0.0 Ok\r\n"};
  if (verb == "QUIT") {
    abandon();
    return {"221 2.0.0 Bye\r\n", true, false};
  }
  if (verb == "VRFY") return {"252 2.0.0 Send some mail, I'll try my best\r\n"};
  if (verb == "STARTTLS") {
    if (!tls_available_) return error("502 5.5.1 Error: command not implemented\r\n");
    if (!args.empty() && args.find_first_not_of(' ') != std::string_view::npos) return error("501 5.5.4 Syntax: STARTTLS\r\n");
    return {"220 2.0.0 Ready to start TLS\r\n", false, true};
  }
  if (verb == "HELP") return {"214 2.0.0 See RFC 5321\r\n"};
  return error("502 5.5.2 Error: command not recognized\r\n");
}

SmtpReply SmtpProtocol::data_line(std::string_view line) {
  if (line == ".") {
    state_ = State::kCommand;
    folding_ = nullptr;
    if (oversize_) {
      current_ = SmtpDelivery();
      in_transaction_ = false;
      return {"552 5.3.4 Message size exceeds fixed limit\r\n"};
    }
    done_.push_back(std::move(current_));
    current_ = SmtpDelivery();
    in_transaction_ = false;
    return {"250 2.0.0 Ok: queued as " + std::to_string(done_.size()) + "A3F2C1\r\n"};
  }
  if (!line.empty() && line.front() == '.') line.remove_prefix(1);  // dot-unstuffing
  current_.size += line.size() + 2;
  if (current_.size > kMaxMessageBytes) oversize_ = true;
  if (in_headers_ && !oversize_) {
    if (line.empty()) {
      in_headers_ = false;
    } else if (current_.headers.size() < kHeaderCap) {
      current_.headers += cap(std::string(line), 1000) + "\n";
      // Header fields we keep by name; their continuation lines are unfolded into them.
      if ((line.front() == ' ' || line.front() == '\t') && folding_) {
        *folding_ = cap(*folding_ + " " + std::string(line.substr(line.find_first_not_of(" \t"))), 998);
        return {};
      }
      folding_ = nullptr;
      const auto take = [&](std::string_view name, std::string& into) {
        if (!starts_with_ci(line, name)) return;
        std::string_view v = line.substr(name.size());
        while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
        into = cap(std::string(v), 998);
        folding_ = &into;
      };
      take("From:", current_.from);
      take("Subject:", current_.subject);
      take("Message-ID:", current_.message_id);
    }
  }
  return {};
}

}  // namespace canarytrap
