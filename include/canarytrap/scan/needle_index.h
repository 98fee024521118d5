// NeedleIndex: every value that identifies a canary, for the scanner, in one flat hash table.
//
// Values are stored only as 64-bit hashes of (kind, normalized value) with the canary they
// name: 12 bytes each, so 1,000,000 canaries (five or six values each) take under 100 MB.
// A wrong match needs a 64-bit collision between a candidate and one of the needles: with
// 6,000,000 needles, about one in 3 * 10^12 candidates (a candidate is a value-shaped token:
// tens of millions per GB of a dump).
//
//   auto index = NeedleIndex::load(registry);
//   index->for_each(NeedleIndex::hash(NeedleKind::kEmail, "li.wei@mail.example.net"),
//                   [](std::uint32_t canary, NeedleKind kind) { ... });
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

#include "canarytrap/core/status.h"
#include "canarytrap/store/registry.h"

namespace canarytrap {

// Digits covers phone numbers, SSNs and card numbers: all are digit strings once normalized.
enum class NeedleKind : std::uint8_t { kToken = 0, kEmail = 1, kIdNumber = 2, kDigits = 3, kNameDob = 4, kName = 5 };
std::string_view needle_kind_name(NeedleKind k);

class NeedleIndex {
 public:
  static Result<NeedleIndex> load(Registry& registry);
  // The same, through a cache file (written beside the registry, mode 0600): read back when
  // the registry's needles_version() still matches, built and saved again when not. A
  // missing, stale, truncated or foreign file only costs the rebuild.
  static Result<NeedleIndex> load_cached(Registry& registry, const std::filesystem::path& cache);
  static std::filesystem::path cache_path_for(const std::filesystem::path& registry_path) {
    return registry_path.string() + ".needles";
  }
  // Built from needles directly (tests, benchmarks).
  static NeedleIndex build(const std::vector<ScanNeedle>& needles);

  static std::uint64_t hash(NeedleKind kind, std::string_view normalized);

  // Calls f(canary id, kind) for every needle with this hash (several canaries may share
  // a name and birth date).
  template <typename F>
  void for_each(std::uint64_t h, F&& f) const {
    std::size_t slot = home(h);
    for (;;) {
      const Slot& s = slots_[slot];
      if (s.hash == 0) return;
      if (s.hash == h) f(s.canary >> 3, static_cast<NeedleKind>(s.canary & 7));
      if (++slot == slots_.size()) slot = 0;
    }
  }
  void prefetch(std::uint64_t h) const { __builtin_prefetch(&slots_[home(h)]); }
  bool contains(std::uint64_t h) const {
    bool found = false;
    for_each(h, [&](std::uint32_t, NeedleKind) { found = true; });
    return found;
  }

  std::size_t canaries() const { return canaries_; }  // approximately: distinct runs of ids
  std::size_t needles() const { return count_; }
  bool has_names() const { return names_ > 0; }
  // Cheap filters before hashing: whether any digit needle has this many digits, and
  // whether a name starts with this character (the UTF-8 lead of a CJK name, or a letter).
  bool digit_length(std::size_t n) const { return n < 64 && (digit_lengths_ >> n & 1); }
  bool name_start(std::uint32_t code) const { return name_starts_[code & 0xFFFF]; }
  static std::uint32_t code_of(const unsigned char* p) {  // a 3-byte UTF-8 sequence's code point
    return (p[0] & 0x0Fu) << 12 | (p[1] & 0x3Fu) << 6 | (p[2] & 0x3Fu);
  }
  std::size_t memory_bytes() const { return slots_.size() * sizeof(Slot); }

 private:
#pragma pack(push, 4)
  struct Slot {
    std::uint64_t hash = 0;    // 0 = empty
    std::uint32_t canary = 0;  // canary id << 3 | kind
  };
#pragma pack(pop)
  // The slot a hash starts at: its high bits scaled to the table (any size, no modulo).
  std::size_t home(std::uint64_t h) const {
    return static_cast<std::size_t>((static_cast<unsigned __int128>(h) * slots_.size()) >> 64);
  }
  void insert(std::uint64_t h, std::uint32_t canary, NeedleKind kind);
  void add(const ScanNeedle& needle);
  void queue(std::uint64_t h, std::uint32_t canary, NeedleKind kind);
  void flush();
  void reserve(std::size_t needles);
  bool read_cache(const std::filesystem::path& cache, std::int64_t version);
  void write_cache(const std::filesystem::path& cache, std::int64_t version) const;

  std::vector<Slot> slots_;
  std::size_t count_ = 0;
  std::size_t names_ = 0;
  std::uint64_t digit_lengths_ = 0;
  std::vector<bool> name_starts_ = std::vector<bool>(65536);
  static constexpr std::size_t kQueue = 32;
  Slot queued_[kQueue];
  std::size_t queued_count_ = 0;
  std::size_t canaries_ = 0;
  std::int64_t last_canary_ = 0;
};

}  // namespace canarytrap
