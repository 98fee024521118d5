#include <gtest/gtest.h>

#include <vector>

#include "canarytrap/fake/fast_rng.h"
#include "fake/tables.h"

namespace canarytrap::fake {
namespace {

// The guide table must pick exactly what the binary search picks for the same draw: seeded
// output (`fake --seed`, the tests' fixtures) stays the same, and the weights keep their meaning.
void expect_same_picks(const std::vector<std::uint32_t>& weights) {
  WeightedTable searched, guided;
  for (std::uint32_t i = 0; i < weights.size(); ++i) {
    searched.add(i * 3, weights[i]);
    guided.add(i * 3, weights[i]);
  }
  guided.finish();
  auto a = FastRng::make(42);
  auto b = FastRng::make(42);
  std::vector<std::uint32_t> counts(weights.size());
  for (int n = 0; n < 200'000; ++n) {
    const std::uint32_t x = searched.pick(a);
    ASSERT_EQ(x, guided.pick(b)) << "draw " << n;
    ++counts[x / 3];
  }
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (weights[i] == 0) {
      EXPECT_EQ(counts[i], 0u) << "entry " << i << " has no weight";
    }
  }
}

TEST(WeightedTableTest, GuidedPicksEqualBinarySearchPicks) {
  expect_same_picks({1});
  expect_same_picks({5, 0, 1, 0, 7});
  expect_same_picks({1, 1, 1, 1, 1, 1, 1, 1});
  expect_same_picks({1'000'000, 1, 1, 1, 3'000'000, 2});  // most buckets inside one entry
  std::vector<std::uint32_t> skewed;
  for (std::uint32_t i = 1; i <= 500; ++i) skewed.push_back(100'000 / i);  // Zipf, like names
  expect_same_picks(skewed);
}

TEST(WeightedTableTest, PicksFollowTheWeights) {
  WeightedTable t;
  t.add(0, 1);
  t.add(1, 3);
  t.finish();
  auto rng = FastRng::make(7);
  int ones = 0;
  for (int n = 0; n < 100'000; ++n) ones += t.pick(rng) == 1 ? 1 : 0;
  EXPECT_NEAR(ones / 100'000.0, 0.75, 0.01);
}

}  // namespace
}  // namespace canarytrap::fake
