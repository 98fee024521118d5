#include "canarytrap/fake/validators.h"

#include <gtest/gtest.h>

namespace canarytrap {
namespace {

TEST(ValidatorsTest, Gb11643CheckCharacterMatchesTheStandardsExamples) {
  // Both examples are printed in GB 11643-1999 itself.
  EXPECT_EQ(gb11643_check_char("11010519491231002"), 'X');
  EXPECT_EQ(gb11643_check_char("44052418800101001"), '4');
}

TEST(ValidatorsTest, ResidentIdRules) {
  EXPECT_TRUE(validate_resident_id("11010519491231002X", 2026, 11, 24).ok());
  EXPECT_FALSE(validate_resident_id("110105194912310021", 2026, 11, 24).ok());  // wrong check char
  EXPECT_FALSE(validate_resident_id("11010519491231002x", 2026, 11, 24).ok());  // lower-case x
  EXPECT_FALSE(validate_resident_id("99010519491231002X", 2026, 11, 24).ok());  // no such division
  EXPECT_FALSE(validate_resident_id("1101051949123100", 2026, 11, 24).ok());    // short
  // 1949-02-30 does not exist; fix the check character so only the date is wrong.
  std::string bad_date = "11010519490230002";
  bad_date += gb11643_check_char(bad_date);
  EXPECT_NE(validate_resident_id(bad_date, 2026, 11, 24).message().find("birth date"), std::string::npos);
  std::string future = "11010520300101002";
  future += gb11643_check_char(future);
  EXPECT_NE(validate_resident_id(future, 2026, 11, 24).message().find("future"), std::string::npos);
}

TEST(ValidatorsTest, Luhn) {
  EXPECT_TRUE(luhn_valid("79927398713"));
  EXPECT_FALSE(luhn_valid("79927398710"));
  EXPECT_EQ(luhn_check_digit("7992739871"), '3');
  EXPECT_FALSE(luhn_valid("7992739871a"));
}

TEST(ValidatorsTest, CardNumbersRefuseTestNumbers) {
  EXPECT_FALSE(validate_card_number("4111111111111111").ok());
  EXPECT_FALSE(validate_card_number("4242 4242 4242 4242").ok());
  EXPECT_FALSE(validate_card_number("378282246310005").ok());
  EXPECT_FALSE(validate_card_number("4111111111111112").ok());  // Luhn
  std::string visa = "414522149683022";
  visa += luhn_check_digit(visa);
  EXPECT_TRUE(validate_card_number(visa).ok());
}

TEST(ValidatorsTest, SsnRules) {
  EXPECT_TRUE(validate_ssn("333-29-9331").ok());
  for (const char* bad : {"000-12-3456", "666-12-3456", "900-12-3456", "987-65-4321", "123-00-4567", "123-45-0000",
                          "078-05-1120", "219-09-9999", "12-345-678"}) {
    EXPECT_FALSE(validate_ssn(bad).ok()) << bad;
  }
}

TEST(ValidatorsTest, NanpPhoneRules) {
  EXPECT_TRUE(validate_nanp_phone("469-312-4943").ok());
  EXPECT_TRUE(validate_nanp_phone("+1 (469) 312-4943").ok());
  for (const char* bad : {"169-312-4943", "469-112-4943", "411-312-4943", "469-911-4943", "212-555-0123", "46931249"}) {
    EXPECT_FALSE(validate_nanp_phone(bad).ok()) << bad;
  }
}

TEST(ValidatorsTest, ChinaMobileRules) {
  EXPECT_TRUE(validate_cn_mobile("13812345678").ok());
  EXPECT_FALSE(validate_cn_mobile("+86 138-1234-5678").ok());  // the country code makes 13 digits
  EXPECT_FALSE(validate_cn_mobile("12012345678").ok());
  EXPECT_FALSE(validate_cn_mobile("1381234567").ok());
}

}  // namespace
}  // namespace canarytrap
