#include "canarytrap/core/secure_random.h"

#include <gtest/gtest.h>

#include <array>
#include <set>

namespace canarytrap {
namespace {

TEST(SecureRandomTest, UniformStaysInRangeAndCoversIt) {
  std::array<int, 7> seen{};
  for (int i = 0; i < 7000; ++i) {
    const auto v = secure_uniform(7);
    ASSERT_LT(v, 7u);
    ++seen[v];
  }
  // Each bucket expects 1000; 700 is more than 9 standard deviations away.
  for (int count : seen) EXPECT_GT(count, 700);
  EXPECT_EQ(secure_uniform(1), 0u);
}

TEST(SecureRandomTest, StringsUseOnlyTheAlphabetAndDoNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const auto s = secure_random_string(16, "ab");
    ASSERT_EQ(s.size(), 16u);
    EXPECT_EQ(s.find_first_not_of("ab"), std::string::npos);
    seen.insert(secure_random_hex(16));
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(SecureRandomTest, LargeFillsAreNotZero) {
  std::vector<std::uint8_t> big(10000, 0);
  secure_random_bytes(big);
  int zeros = 0;
  for (auto b : big) zeros += b == 0;
  EXPECT_LT(zeros, 200);  // ~39 expected
}

}  // namespace
}  // namespace canarytrap
