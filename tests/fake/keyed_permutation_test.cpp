#include "canarytrap/fake/keyed_permutation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <vector>

namespace canarytrap {
namespace {

std::vector<std::uint64_t> all_of(const KeyedPermutation& order) {
  std::vector<std::uint64_t> v;
  for (std::uint64_t i = 0; i < order.size(); ++i) v.push_back(order.at(i));
  return v;
}

TEST(KeyedPermutationTest, EveryValueOnceForAnySize) {
  FastRng rng = FastRng::from_seed(1);
  for (std::uint64_t n : {1, 2, 3, 4, 5, 7, 8, 9, 1000, 1023, 1024, 1025, 4097, 65537, 791 * 10}) {
    const KeyedPermutation order(n, rng);
    ASSERT_EQ(order.size(), n);
    auto v = all_of(order);
    std::sort(v.begin(), v.end());
    std::vector<std::uint64_t> expected(n);
    std::iota(expected.begin(), expected.end(), 0);
    ASSERT_EQ(v, expected) << n;
  }
}

TEST(KeyedPermutationTest, TheKeysSetTheOrder) {
  FastRng a = FastRng::from_seed(2), b = FastRng::from_seed(2), c = FastRng::from_seed(3);
  const KeyedPermutation pa(100'000, a), pb(100'000, b), pc(100'000, c);
  EXPECT_EQ(all_of(pa), all_of(pb));
  const auto va = all_of(pa), vc = all_of(pc);
  int same = 0, ascending = 0, fixed = 0;
  for (std::size_t i = 0; i < va.size(); ++i) {
    same += va[i] == vc[i];
    fixed += va[i] == i;
    if (i > 0) ascending += va[i] > va[i - 1];
  }
  // Another key, another order; neither the identity nor anything close to a sorted run.
  EXPECT_LT(same, 10);
  EXPECT_LT(fixed, 10);
  EXPECT_NEAR(ascending, 50'000, 1'000);
}

TEST(KeyedPermutationTest, LargeSpacesStayInRange) {
  FastRng rng = FastRng::from_seed(4);
  const std::uint64_t n = 898ull * 99 * 9999;
  const KeyedPermutation order(n, rng);
  std::uint64_t top_half = 0;
  for (std::uint64_t i = 0; i < 100'000; ++i) {
    const std::uint64_t v = order.at(i);
    ASSERT_LT(v, n);
    top_half += v >= n / 2;
  }
  EXPECT_NEAR(static_cast<double>(top_half), 50'000, 1'000);
}

TEST(ShuffleCursorTest, FromAnyStartEveryValueOnceThenNothing) {
  FastRng rng = FastRng::from_seed(5);
  const KeyedPermutation order(1000, rng);
  ShuffleCursor a{.start = 0}, b{.start = 998};
  std::vector<std::uint64_t> va, vb;
  for (int i = 0; i < 1000; ++i) {
    const auto x = a.next(order), y = b.next(order);
    ASSERT_TRUE(x && y);
    va.push_back(*x);
    vb.push_back(*y);
  }
  EXPECT_FALSE(a.next(order));
  EXPECT_FALSE(b.next(order));
  // b is a's order begun two places before its end.
  EXPECT_EQ(vb[0], va[998]);
  EXPECT_EQ(vb[2], va[0]);
  std::sort(va.begin(), va.end());
  std::sort(vb.begin(), vb.end());
  EXPECT_EQ(va, vb);
  EXPECT_EQ(std::adjacent_find(va.begin(), va.end()), va.end());
}

}  // namespace
}  // namespace canarytrap
