#include "canarytrap/fake/keyed_permutation.h"

#include <algorithm>
#include <bit>

namespace canarytrap {
namespace {

// The round function: the high half of a 64x64-bit product, in which every bit of `v ^ key`
// moves many bits (the parts are at most 32 bits wide, and take the product's bits 32 up).
std::uint64_t round_hash(std::uint64_t v, std::uint64_t key) {
  const unsigned __int128 product = static_cast<unsigned __int128>(v ^ key) * 0x9E3779B97F4A7C15ull;
  return static_cast<std::uint64_t>(product >> 64) ^ static_cast<std::uint64_t>(product >> 32);
}

}  // namespace

KeyedPermutation::KeyedPermutation(std::uint64_t n, FastRng& rng) : n_(std::max<std::uint64_t>(n, 1)) {
  // At least two bits, so that each part has one.
  const int bits = std::max(2, static_cast<int>(std::bit_width(n_ - 1)));
  low_bits_ = bits / 2;
  low_mask_ = (std::uint64_t{1} << low_bits_) - 1;
  high_mask_ = (std::uint64_t{1} << (bits - low_bits_)) - 1;
  for (auto& k : keys_) k = rng.next_u64();
}

std::uint64_t KeyedPermutation::scramble(std::uint64_t x) const {
  std::uint64_t low = x & low_mask_, high = x >> low_bits_;
  for (int r = 0; r < kRounds; r += 2) {
    high ^= round_hash(low, keys_[r]) & high_mask_;
    low ^= round_hash(high, keys_[r + 1]) & low_mask_;
  }
  return (high << low_bits_) | low;
}

}  // namespace canarytrap
