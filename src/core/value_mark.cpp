#include "canarytrap/core/value_mark.h"

#include <cstring>

namespace canarytrap {

namespace {

// Multiply, then fold the 128-bit product: each output bit depends on every input bit.
inline std::uint64_t fold_multiply(std::uint64_t a, std::uint64_t b) {
  const unsigned __int128 r = static_cast<unsigned __int128>(a) * b;
  return static_cast<std::uint64_t>(r) ^ static_cast<std::uint64_t>(r >> 64);
}
inline std::uint64_t load8(const char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline std::uint64_t load4(const char* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
constexpr std::uint64_t kMul0 = 0xa0761d6478bd642fULL, kMul1 = 0xe7037ed1a0b428dbULL, kMul2 = 0x8ebc6af09c88c6e3ULL;

}  // namespace

std::optional<ScanKind> scan_kind_of(std::string_view k) {
  if (k == "token") return ScanKind::kToken;
  if (k == "email") return ScanKind::kEmail;
  if (k == "id_number") return ScanKind::kIdNumber;
  if (k == "phone" || k == "ssn" || k == "card") return ScanKind::kDigits;
  if (k == "name_dob") return ScanKind::kNameDob;
  return std::nullopt;
}

// Values are short (8 to 40 bytes); the tail is read with overlapping loads, never past the end.
std::uint64_t scan_hash(ScanKind kind, std::string_view s) {
  const char* p = s.data();
  std::size_t len = s.size();
  std::uint64_t seed = kMul0 * (static_cast<std::uint64_t>(kind) + 1) ^ len;
  std::uint64_t a = 0, b = 0;
  if (len <= 16) {
    if (len >= 4) {
      const std::size_t mid = (len >> 3) << 2;  // 0 below 8 bytes, 4 from 8 on
      a = load4(p) << 32 | load4(p + mid);
      b = load4(p + len - 4) << 32 | load4(p + len - 4 - mid);
    } else if (len > 0) {
      a = static_cast<std::uint64_t>(static_cast<unsigned char>(p[0])) << 16 |
          static_cast<std::uint64_t>(static_cast<unsigned char>(p[len >> 1])) << 8 | static_cast<unsigned char>(p[len - 1]);
    }
  } else {
    std::size_t rest = len;
    while (rest > 16) {
      seed = fold_multiply(load8(p) ^ kMul1, load8(p + 8) ^ seed);
      p += 16;
      rest -= 16;
    }
    a = load8(p + rest - 16);
    b = load8(p + rest - 8);
  }
  const std::uint64_t h = fold_multiply(kMul1 ^ len, fold_multiply(a ^ kMul1, b ^ seed ^ kMul2));
  return h == 0 ? 1 : h;
}

}  // namespace canarytrap
