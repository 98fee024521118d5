#include "canarytrap/alert/signature.h"

#include <gtest/gtest.h>

namespace canarytrap {
namespace {

constexpr std::string_view kSecret = "0123456789abcdef-secret";

TEST(SignatureTest, MatchesAnIndependentHmacSha256) {
  // Computed with Python's hmac module: hmac.new(secret, b'1795000000.{"a":1}', sha256).
  EXPECT_EQ(sign_webhook(kSecret, 1795000000, R"({"a":1})"),
            "t=1795000000,v1=0b151da06b1d3b2292e3ae5b08ea10198c5972a8007e85ef9c583fabbffd7de9");
}

TEST(SignatureTest, VerifiesAndRefusesTamperingWrongKeysAndReplays) {
  const std::string body = R"({"schema":"canarytrap.alert.v1"})";
  const std::string header = sign_webhook(kSecret, 1795000000, body);
  EXPECT_TRUE(verify_webhook(header, kSecret, body, 1795000100, std::chrono::minutes(5)).ok());
  EXPECT_FALSE(verify_webhook(header, kSecret, body + " ", 1795000100, std::chrono::minutes(5)).ok());
  EXPECT_FALSE(verify_webhook(header, "another secret, 32 bytes long..", body, 1795000100, std::chrono::minutes(5)).ok());
  auto late = verify_webhook(header, kSecret, body, 1795000000 + 301, std::chrono::minutes(5));
  EXPECT_FALSE(late.ok());
  EXPECT_NE(late.message().find("replay window"), std::string::npos);
  EXPECT_FALSE(verify_webhook("v1=abc", kSecret, body, 1795000000, std::chrono::minutes(5)).ok());
  // Several v1 values (a key being rotated): any one matching is enough.
  EXPECT_TRUE(verify_webhook("t=1795000000,v1=00ff," + header.substr(header.find("v1=")), kSecret, body, 1795000000,
                             std::chrono::minutes(5))
                  .ok());
}

}  // namespace
}  // namespace canarytrap
