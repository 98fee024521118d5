// KeyedPermutation: a shuffle of 0 .. n-1 that is never stored, for drawing values without
// replacement from a space too large to shuffle (the 889 million valid SSNs, the 7.9 million
// local numbers of an area code).
//
// at(0), at(1), ... at(n-1) are the n values in an order set by keys drawn from a FastRng:
// the i-th draw of a run is at(i), and no value comes twice. Checking a drawn value against
// everything drawn before costs a cache miss in a table of the run's size; this costs a few
// dozen arithmetic instructions and no memory.
//
// It is a Feistel-like network on the smallest power of two holding n, the high and low bits
// in turn xor-ed with a keyed hash of the others (each round undoable, so the whole is a
// bijection), and values of n or more walked on until one lands below n (fewer than two
// steps on average). Unpredictable to whoever lacks the keys, not a cipher to defend.
//
//   KeyedPermutation order(898 * 99 * 9999, rng);
//   for (std::uint64_t i = 0; i < count; ++i) use(order.at(i));
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "canarytrap/fake/fast_rng.h"

namespace canarytrap {

class KeyedPermutation {
 public:
  // A permutation of [0, n), n >= 1, keyed by draws of `rng`.
  KeyedPermutation(std::uint64_t n, FastRng& rng);

  std::uint64_t size() const { return n_; }
  // The value at position i < size().
  std::uint64_t at(std::uint64_t i) const {
    std::uint64_t x = i;
    do x = scramble(x);
    while (x >= n_);
    return x;
  }

 private:
  static constexpr int kRounds = 4;  // Luby and Rackoff: four make a strong pseudorandom permutation
  // A bijection of [0, 2^bits).
  std::uint64_t scramble(std::uint64_t x) const;

  std::uint64_t n_;
  int low_bits_;  // the high part holds the remaining bits
  std::uint64_t low_mask_, high_mask_;
  std::array<std::uint64_t, kRounds> keys_{};
};

// A place in a KeyedPermutation: several cursors from different starts share one shuffle
// (the local numbers of every area code) and still look unrelated.
struct ShuffleCursor {
  std::uint64_t start = 0, used = 0;

  // The next value of `order` after this cursor's start, or nullopt once all were given.
  std::optional<std::uint64_t> next(const KeyedPermutation& order) {
    if (used >= order.size()) return std::nullopt;
    return order.at((start + used++) % order.size());
  }
};

}  // namespace canarytrap
