// Block classes: sixty-four bytes of input at a time, one bit per byte for each class the
// matcher cares about (digits, ASCII letters, bytes >= 0x80, and the special bytes it stops
// at), so that it visits only where something starts (matcher.cpp).
//
// Two classifiers give the same bits (the matcher's tests and its fuzzer check both against
// a byte at a time): SSE2, on every x86-64 processor, and AVX-512 with VBMI (Intel since Ice
// Lake, AMD since Zen 4), where one table lookup classifies 64 bytes. With SSE2, classifying
// was a quarter of a scan's time.
//
//   template <class Blocks> void loop(...) {           // inlined into a function built for
//     const Block blk = Blocks::classify(p, b, n);     // Avx512Blocks' target, run only where
//   }                                                  // avx512_blocks_supported()
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define CANARYTRAP_AVX512_BLOCKS 1
#endif

namespace canarytrap::scan_blocks {

// Bit k of each mask: byte b + k of the block.
struct Block {
  std::uint64_t digit = 0, alpha = 0, high = 0;
  std::uint64_t special = 0;  // @ % \n ) \ { } <
  friend bool operator==(const Block&, const Block&) = default;
};

// One block of 64 bytes at q, a byte at a time: the reference the classifiers agree with.
Block classify_byte_by_byte(const unsigned char* q);

#if defined(__SSE2__)
// 0xFF where lo <= x <= hi, per byte (unsigned).
inline __m128i bytes_in_range(__m128i x, char lo, char hi) {
  const __m128i shifted = _mm_sub_epi8(x, _mm_set1_epi8(lo));
  return _mm_cmpeq_epi8(_mm_subs_epu8(shifted, _mm_set1_epi8(static_cast<char>(hi - lo))), _mm_setzero_si128());
}
#endif

// SSE2, sixteen bytes at a time, or a byte at a time where there is none.
struct PortableBlocks {
  // The block [b, b + 64) of p[0, n), b < n; bytes at or past n read as 0.
  static Block classify(const unsigned char* p, std::size_t b, std::size_t n) {
    const unsigned char* q = p + b;
    unsigned char padded[64];
    if (n - b < 64) {
      std::memset(padded, 0, sizeof padded);
      std::memcpy(padded, q, n - b);
      q = padded;
    }
#if defined(__SSE2__)
    Block blk;
    for (unsigned k = 0; k < 4; ++k) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q + 16 * k));
      const auto bits = [&](__m128i m) {
        return static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(m))) << (16 * k);
      };
      blk.digit |= bits(bytes_in_range(x, '0', '9'));
      blk.alpha |= bits(bytes_in_range(_mm_or_si128(x, _mm_set1_epi8(0x20)), 'a', 'z'));
      blk.high |= bits(x);
      const auto is = [&](char c) { return _mm_cmpeq_epi8(x, _mm_set1_epi8(c)); };
      blk.special |= bits(_mm_or_si128(_mm_or_si128(_mm_or_si128(is('@'), is('%')), _mm_or_si128(is('\n'), is(')'))),
                                       _mm_or_si128(_mm_or_si128(is('\\'), is('{')), _mm_or_si128(is('}'), is('<')))));
    }
    return blk;
#else
    return classify_byte_by_byte(q);
#endif
  }
};

#if defined(CANARYTRAP_AVX512_BLOCKS)
// Each ASCII byte's classes: bit 0 a digit, bit 1 a letter, bit 2 a special byte.
constexpr std::array<std::uint8_t, 128> make_ascii_classes() {
  std::array<std::uint8_t, 128> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] |= 1;
  for (int c = 'a'; c <= 'z'; ++c) t[c] |= 2;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] |= 2;
  for (const unsigned char c : {'@', '%', '\n', ')', '\\', '{', '}', '<'}) t[c] |= 4;
  return t;
}
alignas(64) inline constexpr std::array<std::uint8_t, 128> kAsciiClasses = make_ascii_classes();

// AVX-512 BW and VBMI: one lookup (vpermi2b) gives the 64 bytes' classes by their low seven
// bits; bytes >= 0x80 are only high, by their top bit. Only to be inlined into a function built
// for this target (GCC inlines it there), and only run where avx512_blocks_supported().
struct Avx512Blocks {
  [[gnu::target("avx512f,avx512bw,avx512vbmi")]] static inline Block classify(const unsigned char* p, std::size_t b,
                                                                             std::size_t n) {
    const std::size_t left = n - b;
    // The last block's bytes past n are not read (a masked load): they read as 0.
    const __m512i x =
        left >= 64 ? _mm512_loadu_si512(p + b) : _mm512_maskz_loadu_epi8((std::uint64_t{1} << left) - 1, p + b);
    const __m512i classes = _mm512_permutex2var_epi8(_mm512_load_si512(kAsciiClasses.data()), x,
                                                     _mm512_load_si512(kAsciiClasses.data() + 64));
    const __mmask64 ascii = ~_mm512_movepi8_mask(x);
    Block blk;
    blk.digit = _mm512_mask_test_epi8_mask(ascii, classes, _mm512_set1_epi8(1));
    blk.alpha = _mm512_mask_test_epi8_mask(ascii, classes, _mm512_set1_epi8(2));
    blk.special = _mm512_mask_test_epi8_mask(ascii, classes, _mm512_set1_epi8(4));
    blk.high = ~ascii;
    return blk;
  }
};
#endif

// Whether this processor (and its operating system) runs Avx512Blocks.
bool avx512_blocks_supported();

}  // namespace canarytrap::scan_blocks
