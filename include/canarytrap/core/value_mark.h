// Value marks: a property of canary values that only the registry's key reveals, so that the
// scanner can pass over most look-alike values of a dump without looking them up.
//
// A dump of a million people holds a million ID numbers, phone numbers and photo-URL ids,
// and the scanner must look each up in a table of millions of needles: a random memory read
// of 30-50 ns, a quarter of the scan. So canary values of those kinds are drawn such that a
// keyed mix of their scan hash has its top kBits bits zero ("carries the mark"); the scanner
// computes the same from a candidate's hash, already in a register, and looks up only the
// one candidate in 2^kBits that carries it. Without the key the values are as random as
// before: the mark is 4 bits of a keyed function nobody else can compute.
//
// scan_hash() is therefore fixed for good: marks of planted canaries were chosen with it.
// (tests/core/value_mark_test.cpp pins its output.)
//
//   ValueMark mark(key);  // Registry::value_mark_key()
//   if (mark.carries(scan_hash(ScanKind::kDigits, "13812345678"))) { ... look it up ... }
#pragma once

#include <cstring>
#include <cstdint>
#include <optional>
#include <string_view>

namespace canarytrap {

// The kinds values are hashed under. The scanner's NeedleKind is this enum.
// Digits covers phone numbers, SSNs and card numbers: all are digit strings once normalized.
enum class ScanKind : std::uint8_t { kToken = 0, kEmail = 1, kIdNumber = 2, kDigits = 3, kNameDob = 4, kName = 5 };

// The kind a registry value of this kind ("token", "email", "id_number", "phone", "ssn",
// "card", "name_dob") is hashed under; none for others.
std::optional<ScanKind> scan_kind_of(std::string_view registry_kind);

// The scanner's 64-bit hash of a normalized value (never 0). One multiply per 16 bytes (the
// scheme of wyhash): it runs for every value-shaped token of a dump, inlined there.
namespace scan_hash_detail {
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
}  // namespace scan_hash_detail

// Values are short (8 to 40 bytes); the tail is read with overlapping loads, never past the end.
inline std::uint64_t scan_hash(ScanKind kind, std::string_view s) {
  using namespace scan_hash_detail;
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


// Whether canaries' values of this kind are drawn to carry the mark: the kinds a dump holds
// one of per row in look-alikes. (E-mail addresses are passed over by their domain instead;
// names with birth dates are not marked yet.)
constexpr bool marked_kind(ScanKind k) {
  return k == ScanKind::kToken || k == ScanKind::kIdNumber || k == ScanKind::kDigits;
}

class ValueMark {
 public:
  static constexpr unsigned kBits = 4;  // one look-alike in 16 is looked up
  explicit ValueMark(std::uint64_t key) : key_(key) {}
  std::uint64_t key() const { return key_; }
  // Whether the value with this scan_hash() carries the mark.
  bool carries(std::uint64_t hash) const {
    // A bijective mix (splitmix64's finalizer) of the hash and the key.
    std::uint64_t z = hash ^ key_;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return (z >> (64 - kBits)) == 0;
  }
  bool carries(ScanKind kind, std::string_view normalized) const { return carries(scan_hash(kind, normalized)); }

 private:
  std::uint64_t key_;
};

}  // namespace canarytrap
