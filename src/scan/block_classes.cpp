#include "block_classes.h"

namespace canarytrap::scan_blocks {

Block classify_byte_by_byte(const unsigned char* q) {
  Block blk;
  for (unsigned k = 0; k < 64; ++k) {
    const std::uint64_t bit = std::uint64_t{1} << k;
    const unsigned char c = q[k];
    if (c >= '0' && c <= '9') blk.digit |= bit;
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') blk.alpha |= bit;
    if (c >= 0x80) blk.high |= bit;
    if (c == '@' || c == '%' || c == '\n' || c == ')' || c == '\\' || c == '{' || c == '}' || c == '<') {
      blk.special |= bit;
    }
  }
  return blk;
}

bool avx512_blocks_supported() {
#if defined(CANARYTRAP_AVX512_BLOCKS)
  // (libgcc's check includes the operating system's: XGETBV says it saves the registers.)
  static const bool supported = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                                __builtin_cpu_supports("avx512vbmi");
  return supported;
#else
  return false;
#endif
}

}  // namespace canarytrap::scan_blocks
