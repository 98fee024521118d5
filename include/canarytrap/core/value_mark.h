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
// scheme of wyhash): it runs for every value-shaped token of a dump.
std::uint64_t scan_hash(ScanKind kind, std::string_view normalized);

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
