// NeedleIndex: every value that identifies a canary, for the scanner, in one flat hash table.
//
// Values are stored only as 64-bit hashes of (kind, normalized value) with the canary they
// name: 12 bytes each plus a 1-byte tag, at a load of 0.75, so 1,000,000 canaries (five or
// six values each) take about 100 MB. Names alone (the scanner dates a record only when it
// holds a known name) are a separate set of 32-bit keys, once per distinct name, each with
// 32 bits saying which birth dates its canaries have (name_dates()).
// A wrong match needs a 64-bit collision between a candidate and one of the needles: with
// 6,000,000 needles, about one in 3 * 10^12 candidates (a candidate is a value-shaped token:
// tens of millions per GB of a dump).
//
//   auto index = NeedleIndex::load(registry);
//   index->for_each(NeedleIndex::hash(NeedleKind::kEmail, "li.wei@mail.example.net"),
//                   [](std::uint32_t canary, NeedleKind kind) { ... });
#pragma once

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "canarytrap/core/huge_page_allocator.h"
#include "canarytrap/core/status.h"
#include "canarytrap/core/value_mark.h"
#include "canarytrap/store/registry.h"

namespace canarytrap {

// Digits covers phone numbers, SSNs and card numbers: all are digit strings once normalized.
using NeedleKind = ScanKind;
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
  // With a mark key (the registry's value_mark_key()), candidates of the marked kinds are
  // filtered by it (marked()).
  static NeedleIndex build(const std::vector<ScanNeedle>& needles, std::optional<std::uint64_t> mark_key = {});

  static std::uint64_t hash(NeedleKind kind, std::string_view normalized) { return scan_hash(kind, normalized); }

  // Whether candidates of this kind are filtered by the registry's value mark (value_mark.h):
  // one that does not carry it is some canary's only if unmarked_needle() says so, and is
  // otherwise not looked up. Canaries planted since 2026-12-02 carry the mark; a few may not
  // (a table whose people share a birth date and a place holds few marked IDs), and those
  // planted before do not. So a kind is filtered when the unmarked needles of the filtered
  // kinds number kMostUnmarked or fewer, in a table that stays in the cache, or when it has
  // none. Never for an index built without a key.
  bool marked(NeedleKind kind) const { return marked_kinds_ >> static_cast<unsigned>(kind) & 1; }
  const ValueMark& mark() const { return mark_; }
  bool unmarked_needle(std::uint64_t h) const {
    if (unmarked_table_.size() <= 1) return false;
    for (std::size_t i = h & (unmarked_table_.size() - 1);; i = (i + 1) & (unmarked_table_.size() - 1)) {
      if (unmarked_table_[i] == h) return true;
      if (unmarked_table_[i] == 0) return false;
    }
  }
  static constexpr std::size_t kMostUnmarked = 1 << 15;  // a table of 512 KB at most

  // Calls f(canary id, kind) for every needle with this hash (several canaries may share
  // a name and birth date). Always inlined: it runs once per candidate in a dump.
  template <typename F>
  [[gnu::always_inline]] void for_each(std::uint64_t h, F&& f) const {
    const std::uint8_t tag = tag_of(h);
    std::size_t slot = home(h);
    // Sixteen tags at a time where the run does not wrap: one compare finds the tags equal to
    // this one before the first empty slot, without a branch per slot.
    while (slot + 16 <= tags_.size()) {
      unsigned equal, empty;
      tag_masks(&tags_[slot], tag, equal, empty);
      const unsigned before_empty = empty == 0 ? 0xFFFFu : (empty & -empty) - 1;
      for (unsigned m = equal & before_empty; m != 0; m &= m - 1) {
        const Slot& s = slots_[slot + static_cast<unsigned>(__builtin_ctz(m))];
        if (s.hash == h) f(s.canary >> 3, static_cast<NeedleKind>(s.canary & 7));
      }
      if (empty != 0) return;
      slot += 16;
    }
    for (;;) {  // the last few slots, then on from the first
      if (slot == tags_.size()) slot = 0;
      const std::uint8_t t = tags_[slot];
      if (t == 0) return;
      if (t == tag && slots_[slot].hash == h) f(slots_[slot].canary >> 3, static_cast<NeedleKind>(slots_[slot].canary & 7));
      ++slot;
    }
  }
  // A probe reads the tags from the home slot on (one cache line, two when it straddles);
  // the slots only where a tag matches: one probe in a hundred or so, for a value that is
  // no canary's. Always inlined: GCC 12 finds an out-of-line prefetch() free of side
  // effects and deletes the call (the binary then had no prefetch at all).
  [[gnu::always_inline]] void prefetch(std::uint64_t h) const {
    const std::uint8_t* p = tags_.data() + home(h);
    __builtin_prefetch(p);
    // The end of the first sixteen tags, when it lies on the next cache line.
    if ((reinterpret_cast<std::uintptr_t>(p) & 63) > 48 && p + 15 < tags_.data() + tags_.size()) __builtin_prefetch(p + 15);
  }
  bool contains(std::uint64_t h) const {
    bool found = false;
    for_each(h, [&](std::uint32_t, NeedleKind) { found = true; });
    return found;
  }
  // Which birth dates canaries with this name have (h = hash(kName, the normalized name)),
  // as bits date_bit() of their "YYYYMMDD"; 0: no canary has this name. Names are kept apart,
  // once each, in a table that stays in the last-level cache: every record of a dump has a
  // name, and most real names are some canary's too (83% of the bench dump's rows). The
  // dates then spare most of them the look-up of name and birth date in the needle table, a
  // random read each: a name shared by a few canaries has a few bits of 32 (a row's name
  // had 27% of them set in the bench dump, against 100% without the bits).
  [[gnu::always_inline]] void prefetch_name(std::uint64_t h) const {
    if (!names_table_.empty()) __builtin_prefetch(&names_table_[name_key(h) & (names_table_.size() - 1)]);
  }
  std::uint32_t name_dates(std::uint64_t h) const {
    if (names_table_.empty()) return 0;
    const std::uint32_t key = name_key(h);
    for (std::size_t i = key & (names_table_.size() - 1);; i = (i + 1) & (names_table_.size() - 1)) {
      const NameSlot& slot = names_table_[i];
      if (slot.key == key) return slot.dates;
      if (slot.key == 0) return 0;
    }
  }
  // The bit of name_dates() a birth date "YYYYMMDD" sets: a keyless mix of its 8 bytes.
  static unsigned date_bit(const char* ymd) {
    std::uint64_t v;
    std::memcpy(&v, ymd, sizeof v);
    v *= 0x9E3779B97F4A7C15ULL;
    v ^= v >> 32;
    v *= 0xBF58476D1CE4E5B9ULL;
    return static_cast<unsigned>(v >> 59);
  }

  // The words of two-word Latin names ("mary", "smith" of "mary smith"), for a name written
  // in two columns or last name first. maybe_name_part() first: whether some word has the
  // first two letters and the length of this word of ASCII letters (a 4 KB bitmap: most
  // words of a dump fail it without a hash). Then name_part(h = hash(kName, the lower-case
  // word)): which word it is (0: none), from a table of a few hundred words in the
  // first-level cache. known_name_pair(a, b): whether the two words, in this order, are a
  // canary's name, before the matcher assembles and hashes the name.
  static constexpr std::size_t kLongestNamePart = 24;
  bool has_name_parts() const { return parts_ > 0; }
  bool maybe_name_part(const char* word, std::size_t len) const {
    if (len < 2 || len > kLongestNamePart) return false;
    const std::size_t shape = part_shape(word, len);
    return part_shapes_[shape >> 6] >> (shape & 63) & 1;
  }
  std::uint32_t name_part(std::uint64_t h) const {
    const std::uint32_t key = name_key(h);
    for (std::size_t i = h & (parts_table_.size() - 1);; i = (i + 1) & (parts_table_.size() - 1)) {
      const std::uint32_t k = parts_table_[i];
      if (k == key) return static_cast<std::uint32_t>(i) + 1;
      if (k == 0) return 0;
    }
  }
  bool known_name_pair(std::uint32_t first, std::uint32_t second) const {
    const std::uint32_t key = first << 16 | second;
    for (std::size_t i = pair_home(key, pairs_table_.size());; i = (i + 1) & (pairs_table_.size() - 1)) {
      const std::uint32_t k = pairs_table_[i];
      if (k == key) return true;
      if (k == 0) return false;
    }
  }

  static constexpr std::size_t kEmailDomains = 16;  // kept for email_domain(), and in the cache file
  std::size_t canaries() const { return canaries_; }  // approximately: distinct runs of ids
  std::size_t needles() const { return count_; }
  bool has_names() const { return names_ > 0; }
  // Cheap filters before hashing: whether any digit needle has this many digits, and
  // whether a name starts with this character (the UTF-8 lead of a CJK name, or a letter).
  bool digit_length(std::size_t n) const { return n < 64 && (digit_lengths_ >> n & 1); }
  bool name_start(std::uint32_t code) const { return name_starts_[code & 0xFFFF]; }
  // Whether some name is written the Turkic way, own name and father's name around a middle
  // dot (艾尔肯·买买提): the scanner then looks at runs of CJK text of other lengths than
  // 2-4 characters. Kept as the dot's own code point in the name starts (no name starts
  // with it), so that the cache file holds it too.
  static constexpr std::uint32_t kMiddleDot = 0xB7;
  bool dotted_names() const { return name_starts_[kMiddleDot]; }
  // Whether some e-mail needle is at this domain (h = hash(kEmail, the lower-case domain)):
  // every e-mail-shaped text of a dump is checked, and most are at domains no canary uses,
  // so the scanner hashes the domain first and assembles the address only when it passes.
  // Always true when the needles use more than kEmailDomains domains.
  bool email_domain(std::uint64_t h) const {
    if (email_domain_count_ > kEmailDomains) return true;
    for (std::size_t i = 0; i < email_domain_count_; ++i) {
      if (email_domains_[i] == h) return true;
    }
    return false;
  }
  static std::uint32_t code_of(const unsigned char* p) {  // a 3-byte UTF-8 sequence's code point
    return (p[0] & 0x0Fu) << 12 | (p[1] & 0x3Fu) << 6 | (p[2] & 0x3Fu);
  }
  std::size_t memory_bytes() const {
    return slots_.size() * (sizeof(Slot) + sizeof(std::uint8_t)) +
           names_table_.size() * sizeof(NameSlot) + (parts_table_.size() + pairs_table_.size()) * sizeof(std::uint32_t) +
           unmarked_table_.size() * sizeof(std::uint64_t);
  }

 private:
#pragma pack(push, 4)
  struct Slot {
    std::uint64_t hash = 0;    // 0 = empty
    std::uint32_t canary = 0;  // canary id << 3 | kind
  };
#pragma pack(pop)
  struct NameSlot {
    std::uint32_t key = 0;    // name_key(), 0 = empty
    std::uint32_t dates = 0;  // date_bit()s of its canaries' birth dates
  };
  // The slot a hash starts at: its high bits scaled to the table (any size, no modulo).
  std::size_t home(std::uint64_t h) const {
    return static_cast<std::size_t>((static_cast<unsigned __int128>(h) * slots_.size()) >> 64);
  }
  // 8 bits of the hash that home() does not use; 0 marks an empty slot.
  static std::uint8_t tag_of(std::uint64_t h) {
    const auto t = static_cast<std::uint8_t>(h);
    return t == 0 ? 1 : t;
  }
  // A word's first two letters (either case) and its length, in 15 bits.
  static std::size_t part_shape(const char* word, std::size_t len) {
    return (static_cast<std::size_t>(word[0] | 0x20) & 31) << 10 | (static_cast<std::size_t>(word[1] | 0x20) & 31) << 5 |
           (len & 31);
  }
  static constexpr std::size_t kPartShapeWords = (std::size_t{1} << 15) / 64;
  // Parts are numbered by their slot + 1, in 16 bits: a pair is one 32-bit key.
  static constexpr std::size_t kMostPartSlots = 1 << 15;
  static std::size_t pair_home(std::uint32_t key, std::size_t size) {
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> 40) & (size - 1);
  }
  static std::uint32_t name_key(std::uint64_t h) {
    const auto k = static_cast<std::uint32_t>(h >> 32);
    return k == 0 ? 1 : k;
  }
  // Bits 0-15 of `equal`: which of the 16 tags at p equal `tag`; of `empty`: which are 0.
  static void tag_masks(const std::uint8_t* p, std::uint8_t tag, unsigned& equal, unsigned& empty) {
#if defined(__SSE2__)
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    equal = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(static_cast<char>(tag)))));
    empty = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_setzero_si128())));
#else
    equal = empty = 0;
    for (unsigned i = 0; i < 16; ++i) {
      equal |= static_cast<unsigned>(p[i] == tag) << i;
      empty |= static_cast<unsigned>(p[i] == 0) << i;
    }
#endif
  }
  void add_name(std::uint64_t h, std::string_view ymd);
  NameSlot& name_slot(std::uint32_t key);
  void add_name_parts(std::string_view name);
  void finish();  // after the last add()
  void rebuild_tags();
  void insert(std::uint64_t h, std::uint32_t canary, NeedleKind kind);
  void add(const ScanNeedle& needle);
  void queue(std::uint64_t h, std::uint32_t canary, NeedleKind kind);
  void flush();
  void reserve(std::size_t needles);
  bool read_cache(const std::filesystem::path& cache, std::int64_t version);
  void write_cache(const std::filesystem::path& cache, std::int64_t version) const;

  template <typename T>
  using Table = std::vector<T, HugePageAllocator<T>>;
  Table<Slot> slots_;
  // tags_[i]: tag_of(slots_[i].hash), or 0 where slots_[i] is empty. Probing runs over these
  // 1-byte tags, not the 12-byte slots: an unsuccessful search at a load of 0.75 passes
  // about 8 slots, which is one cache line of tags (rarely two) but two or three of slots;
  // and the tags of a million canaries (9 MB) mostly stay in the last-level cache.
  Table<std::uint8_t> tags_;
  std::size_t count_ = 0;
  std::size_t names_ = 0;                   // distinct names in names_table_
  Table<NameSlot> names_table_;  // a power of two long, at most half full; home: the key's low bits
  std::size_t parts_ = 0;                         // distinct words in parts_table_
  std::vector<std::uint32_t> parts_table_ = std::vector<std::uint32_t>(64);  // name_key()s, 0 = empty
  std::vector<std::uint32_t> pairs_table_ = std::vector<std::uint32_t>(64);  // part << 16 | part, 0 = empty
  std::size_t pairs_ = 0;
  std::vector<std::uint64_t> part_hashes_;        // while loading
  std::vector<std::pair<std::uint64_t, std::uint64_t>> part_pairs_;  // while loading
  std::vector<std::uint64_t> part_shapes_ = std::vector<std::uint64_t>(kPartShapeWords);  // part_shape() bits
  std::uint64_t digit_lengths_ = 0;
  std::vector<bool> name_starts_ = std::vector<bool>(65536);
  std::uint64_t email_domains_[kEmailDomains] = {};
  std::size_t email_domain_count_ = 0;  // kEmailDomains + 1: too many to filter by
  void add_email_domain(std::string_view email);
  static constexpr std::size_t kQueue = 32;
  Slot queued_[kQueue];
  std::size_t queued_count_ = 0;
  std::size_t canaries_ = 0;
  std::int64_t last_canary_ = 0;
  bool has_mark_key_ = false;
  ValueMark mark_{0};
  std::uint32_t marked_kinds_ = 0;    // bit k: NeedleKind k is filtered by the mark
  std::vector<std::uint64_t> unmarked_hashes_[8];  // while loading: per kind, needles lacking the mark
  std::vector<std::uint64_t> unmarked_table_ = std::vector<std::uint64_t>(1);  // hashes, 0 = empty
  void set_mark_key(std::optional<std::uint64_t> key);
};

}  // namespace canarytrap
