#include "canarytrap/core/normalize.h"

#include <gtest/gtest.h>

namespace canarytrap {
namespace {

TEST(NormalizeTest, DnsNamesAreLowerCasedWithoutTrailingDot) {
  auto n = normalize_dns_name("AbC9.Canary.Example.NET.");
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, "abc9.canary.example.net");
}

TEST(NormalizeTest, DnsNamesAreValidated) {
  EXPECT_FALSE(normalize_dns_name(""));
  EXPECT_FALSE(normalize_dns_name("."));
  EXPECT_FALSE(normalize_dns_name("a..b"));
  EXPECT_FALSE(normalize_dns_name("-a.b"));
  EXPECT_FALSE(normalize_dns_name("a-.b"));
  EXPECT_FALSE(normalize_dns_name("under_score.example"));
  EXPECT_FALSE(normalize_dns_name("sp ace.example"));
  EXPECT_FALSE(normalize_dns_name(std::string(64, 'a') + ".example"));
  EXPECT_TRUE(normalize_dns_name(std::string(63, 'a') + ".example"));
  std::string long_name;
  while (long_name.size() < 254) long_name += "abcdefghi.";
  EXPECT_FALSE(normalize_dns_name(long_name));
}

TEST(NormalizeTest, ZonesNeedTwoLabels) {
  EXPECT_FALSE(normalize_zone("com"));
  EXPECT_TRUE(normalize_zone("example.com"));
  auto bad = normalize_zone("bad_zone");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.status().message().find("bad_zone"), std::string::npos);
}

TEST(NormalizeTest, EmailsAreLowerCasedWhole) {
  auto e = normalize_email("Wei.Zhang1987@Mail.Example.NET");
  ASSERT_TRUE(e);
  EXPECT_EQ(*e, "wei.zhang1987@mail.example.net");
}

TEST(NormalizeTest, EmailsAreValidated) {
  for (const char* bad : {"noat", "@example.com", "a@", "a..b@example.com", "a.@example.com", "a b@example.com",
                          "a@bad_domain", "a@b@c"}) {
    EXPECT_FALSE(normalize_email(bad)) << bad;
  }
  EXPECT_FALSE(normalize_email(std::string(65, 'a') + "@example.com"));
}

TEST(NormalizeTest, IpLiteralsAreCanonical) {
  EXPECT_EQ(*normalize_ip("127.0.0.1"), "127.0.0.1");
  EXPECT_EQ(*normalize_ip("2001:DB8:0:0::1"), "2001:db8::1");
  EXPECT_TRUE(is_ipv6("2001:db8::1"));
  EXPECT_FALSE(normalize_ip("256.1.1.1"));
  EXPECT_FALSE(normalize_ip("example.com"));
}

// The words of a name stay apart (one space), so that the scanner can look for each alone.
TEST(NormalizeTest, NameAndBirthDateKeepOneSpaceBetweenWords) {
  EXPECT_EQ(*normalize_fingerprint("name_dob", "Mary Smith|1985-03-09"), "mary smith|19850309");
  EXPECT_EQ(*normalize_fingerprint("name_dob", " MARY \t  Smith |1985-03-09"), "mary smith|19850309");
  EXPECT_EQ(*normalize_fingerprint("name_dob", "王静嘉|1974-11-23"), "王静嘉|19741123");
  EXPECT_FALSE(normalize_fingerprint("name_dob", "Mary Smith 1985-03-09"));
}

TEST(NormalizeTest, RedactUriRemovesPasswords) {
  EXPECT_EQ(redact_uri("postgresql://app:s3cret@db.internal:5432/people"), "postgresql://app@db.internal:5432/people");
  EXPECT_EQ(redact_uri("mysql://root:p%40ss@127.0.0.1/x?password=abc&ssl=1"),
            "mysql://root@127.0.0.1/x?password=REDACTED&ssl=1");
  EXPECT_EQ(redact_uri("sqlite:///var/lib/app.db"), "sqlite:///var/lib/app.db");
  EXPECT_EQ(redact_uri("host=db user=app Password=hunter2 dbname=x"), "host=db user=app Password=REDACTED dbname=x");
}

}  // namespace
}  // namespace canarytrap
