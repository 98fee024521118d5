#include "canarytrap/listen/smtp_protocol.h"

#include <gtest/gtest.h>

namespace canarytrap {
namespace {

std::string code(const SmtpReply& r) { return r.text.substr(0, 3); }

TEST(SmtpProtocolTest, AcceptsMailForOurDomainsAndRecordsTheMessage) {
  SmtpProtocol s("mx.mail.example.net", {"mail.example.net"});
  EXPECT_EQ(s.greeting().substr(0, 4), "220 ");
  const auto ehlo = s.on_line("EHLO client.example.org");
  EXPECT_NE(ehlo.text.find("250-PIPELINING"), std::string::npos);
  EXPECT_EQ(ehlo.text.find("STARTTLS"), std::string::npos);  // no certificate
  EXPECT_EQ(code(s.on_line("MAIL FROM:<a@b.example> SIZE=1000")), "250");
  EXPECT_EQ(code(s.on_line("RCPT TO:<Wei.Zhang88@MAIL.example.net>")), "250");
  EXPECT_EQ(code(s.on_line("RCPT TO:<victim@gmail.com>")), "550");  // never a relay
  EXPECT_EQ(code(s.on_line("DATA")), "354");
  EXPECT_TRUE(s.on_line("From: Someone <a@b.example>").text.empty());
  s.on_line("Subject: =?utf-8?q?hi?= <script>alert(1)</script>");
  s.on_line("  continued");
  s.on_line("Message-ID: <123@b.example>");
  s.on_line("");
  s.on_line("..a line starting with a dot");
  EXPECT_EQ(code(s.on_line(".")), "250");
  auto d = s.take_delivery();
  ASSERT_TRUE(d);
  EXPECT_EQ(d->helo, "client.example.org");
  EXPECT_EQ(d->mail_from, "a@b.example");
  EXPECT_EQ(d->recipients, std::vector<std::string>{"wei.zhang88@mail.example.net"});
  EXPECT_TRUE(d->has_message);
  EXPECT_EQ(d->subject, "=?utf-8?q?hi?= <script>alert(1)</script> continued");
  EXPECT_EQ(d->message_id, "<123@b.example>");
  EXPECT_FALSE(s.take_delivery());
  EXPECT_TRUE(s.on_line("QUIT").close);
}

TEST(SmtpProtocolTest, AbandonedTransactionsStillReportTheirRecipients) {
  SmtpProtocol s("mx", {"mail.example.net"});
  s.on_line("HELO x");
  s.on_line("MAIL FROM:<>");
  s.on_line("RCPT TO:<a@mail.example.net>");
  s.on_line("RSET");
  auto d = s.take_delivery();
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->has_message);
  s.on_line("MAIL FROM:<>");
  s.on_line("RCPT TO:<b@mail.example.net>");
  s.on_close();
  EXPECT_EQ(s.take_delivery()->recipients, std::vector<std::string>{"b@mail.example.net"});
}

TEST(SmtpProtocolTest, SequenceErrorsAndLimits) {
  SmtpProtocol s("mx", {"mail.example.net"});
  EXPECT_EQ(code(s.on_line("RCPT TO:<a@mail.example.net>")), "503");
  EXPECT_EQ(code(s.on_line("DATA")), "503");
  EXPECT_EQ(code(s.on_line("MAIL FROM:no-brackets")), "501");
  EXPECT_EQ(code(s.on_line("MAIL FROM:<a@b> SIZE=99999999999")), "552");
  EXPECT_EQ(code(s.on_line("MAIL FROM:<a@b>")), "250");
  EXPECT_EQ(code(s.on_line("MAIL FROM:<a@b>")), "503");
  EXPECT_EQ(code(s.on_line("STARTTLS")), "502");
  EXPECT_EQ(code(s.on_line("XYZZY")), "502");
  for (std::size_t i = 0; i < SmtpProtocol::kMaxRecipients; ++i) {
    ASSERT_EQ(code(s.on_line("RCPT TO:<u" + std::to_string(i) + "@mail.example.net>")), "250");
  }
  EXPECT_EQ(code(s.on_line("RCPT TO:<one-more@mail.example.net>")), "452");
  // Ten errors end the session.
  SmtpProtocol t("mx", {"mail.example.net"});
  SmtpReply last;
  for (int i = 0; i < SmtpProtocol::kMaxErrors; ++i) last = t.on_line("garbage");
  EXPECT_TRUE(last.close);
  EXPECT_EQ(code(last), "421");
}

TEST(SmtpProtocolTest, OversizedMessageIsRefusedAtTheEnd) {
  SmtpProtocol s("mx", {"mail.example.net"});
  s.on_line("EHLO x");
  s.on_line("MAIL FROM:<a@b>");
  s.on_line("RCPT TO:<a@mail.example.net>");
  s.on_line("DATA");
  const std::string line(1000, 'x');
  for (std::size_t sent = 0; sent <= SmtpProtocol::kMaxMessageBytes; sent += line.size()) {
    ASSERT_TRUE(s.on_line(line).text.empty());
  }
  EXPECT_EQ(code(s.on_line(".")), "552");
  EXPECT_FALSE(s.take_delivery());
  EXPECT_EQ(code(s.on_line("NOOP")), "250");
}

TEST(SmtpProtocolTest, StartTlsWhenAvailable) {
  SmtpProtocol s("mx", {"mail.example.net"}, true);
  EXPECT_NE(s.on_line("EHLO x").text.find("STARTTLS"), std::string::npos);
  const auto r = s.on_line("STARTTLS");
  EXPECT_EQ(code(r), "220");
  EXPECT_TRUE(r.start_tls);
  s.on_tls_started();
  EXPECT_EQ(s.on_line("EHLO x").text.find("STARTTLS"), std::string::npos);
}

}  // namespace
}  // namespace canarytrap
