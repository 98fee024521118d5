// The matcher's block classifiers against a byte at a time: every byte value at every place
// of a block, random bytes, and every length of a last block, read up to a page that cannot
// be read.
#include "scan/block_classes.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <random>
#include <vector>

namespace canarytrap::scan_blocks {
namespace {

#if defined(CANARYTRAP_AVX512_BLOCKS)
[[gnu::target("avx512f,avx512bw,avx512vbmi")]] Block avx512(const unsigned char* p, std::size_t b, std::size_t n) {
  return Avx512Blocks::classify(p, b, n);
}
#endif

// Every classifier this processor runs, on the block [b, b + 64) of p[0, n), against the
// reference on the same bytes padded with zeros.
void expect_agree(const unsigned char* p, std::size_t b, std::size_t n) {
  unsigned char padded[64] = {};
  for (std::size_t k = 0; k < 64 && b + k < n; ++k) padded[k] = p[b + k];
  const Block want = classify_byte_by_byte(padded);
  EXPECT_TRUE(PortableBlocks::classify(p, b, n) == want) << "portable, block at " << b << " of " << n;
#if defined(CANARYTRAP_AVX512_BLOCKS)
  if (avx512_blocks_supported()) {
    EXPECT_TRUE(avx512(p, b, n) == want) << "AVX-512, block at " << b << " of " << n;
  }
#endif
}

TEST(BlockClassesTest, TheReferenceKnowsEachClass) {
  unsigned char q[64] = {};
  const std::string text = "Ab9@%\n)\\{}<\xE7\x8E\x8B -.,\"z0";
  std::copy(text.begin(), text.end(), q);
  const Block blk = classify_byte_by_byte(q);
  // A b 9 @ % \n ) \ { } < (U+738B) space - . , " z 0: bytes 0 to 20
  EXPECT_EQ(blk.alpha, 0b1000'0000'0000'0000'0011u);
  EXPECT_EQ(blk.digit, 0b1'0000'0000'0000'0000'0100u);
  EXPECT_EQ(blk.special, 0b111'1111'1000u);
  EXPECT_EQ(blk.high, 0b11'1000'0000'0000u);
}

TEST(BlockClassesTest, EveryByteValueAtEveryPlace) {
  std::vector<unsigned char> bytes(128, 'x');
  for (int value = 0; value < 256; ++value) {
    for (std::size_t at = 0; at < 64; ++at) {
      bytes[64 + at] = static_cast<unsigned char>(value);
      expect_agree(bytes.data(), 64, bytes.size());
      bytes[64 + at] = 'x';
    }
  }
}

TEST(BlockClassesTest, RandomBytes) {
  std::mt19937 rng(7);
  std::vector<unsigned char> bytes(1 << 16);
  for (auto& c : bytes) c = static_cast<unsigned char>(rng());
  for (std::size_t b = 0; b + 64 <= bytes.size(); b += 61) expect_agree(bytes.data(), b, bytes.size());
}

// The last block of an input that ends where the mapped memory does: bytes past the end are
// never read (a read would fault) and count as 0.
TEST(BlockClassesTest, LastBlocksReadNothingPastTheEnd) {
  const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  void* mem = mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(mem, MAP_FAILED);
  auto* base = static_cast<unsigned char*>(mem);
  ASSERT_EQ(mprotect(base + page, page, PROT_NONE), 0);
  for (std::size_t i = 0; i < page; ++i) base[i] = "7a\xE5@ \n"[i % 6];
  for (std::size_t left = 1; left <= 64; ++left) {
    const unsigned char* p = base + page - 128;
    expect_agree(p, 128 - left, 128);
  }
  munmap(mem, 2 * page);
}

}  // namespace
}  // namespace canarytrap::scan_blocks
