// FastRng: a fast cryptographically strong generator for fake people.
//
// An AES-128-CTR keystream (OpenSSL EVP, AES-NI where the CPU has it), buffered. Keyed from
// RAND_bytes it is unpredictable, as canary values must be; keyed from a seed (`--seed N`)
// it is reproducible, for tests and benchmarks. Generating a million people a second needs
// some 30 million draws a second, which a per-draw RAND_bytes cannot give.
//
//   FastRng rng = FastRng::from_seed(42);
//   std::uint32_t die = rng.uniform(6);
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>

namespace canarytrap {

class FastRng {
 public:
  static FastRng from_seed(std::uint64_t seed);
  static FastRng unpredictable();
  // from_seed(*seed) if set, else unpredictable().
  static FastRng make(std::optional<std::uint64_t> seed) { return seed ? from_seed(*seed) : unpredictable(); }

  FastRng(FastRng&&) noexcept;
  FastRng& operator=(FastRng&&) noexcept;
  ~FastRng();

  std::uint64_t next_u64() {
    if (pos_ + 8 > kBufferSize) refill();
    std::uint64_t v;
    __builtin_memcpy(&v, buffer_.data() + pos_, 8);
    pos_ += 8;
    return v;
  }
  std::uint32_t next_u32() {
    if (pos_ + 4 > kBufferSize) refill();
    std::uint32_t v;
    __builtin_memcpy(&v, buffer_.data() + pos_, 4);
    pos_ += 4;
    return v;
  }
  // Uniform in [0, bound) for bound in [1, 2^32), without modulo bias (Lemire's method).
  std::uint32_t uniform(std::uint32_t bound) {
    std::uint64_t m = std::uint64_t{next_u32()} * bound;
    auto low = static_cast<std::uint32_t>(m);
    if (low < bound) {
      const std::uint32_t threshold = -bound % bound;
      while (low < threshold) {
        m = std::uint64_t{next_u32()} * bound;
        low = static_cast<std::uint32_t>(m);
      }
    }
    return static_cast<std::uint32_t>(m >> 32);
  }
  // Uniform in [lo, hi].
  int between(int lo, int hi) { return lo + static_cast<int>(uniform(static_cast<std::uint32_t>(hi - lo + 1))); }
  bool chance(std::uint32_t percent) { return uniform(100) < percent; }

 private:
  static constexpr std::size_t kBufferSize = 16384;
  explicit FastRng(const std::array<std::uint8_t, 16>& key);
  void refill();

  struct Cipher;
  std::unique_ptr<Cipher> cipher_;
  std::array<std::uint8_t, kBufferSize> buffer_{};
  std::size_t pos_ = kBufferSize;
};

}  // namespace canarytrap
