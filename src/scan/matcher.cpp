#include "canarytrap/scan/matcher.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "block_classes.h"
#include "matcher_bytes.h"

namespace canarytrap {

namespace {

using namespace matcher_bytes;

// Where a run ends, sixteen bytes at a time: most runs (words, numbers, CJK text) are short
// and end at a byte the branch predictor cannot guess: one compare per run instead of one
// branch per byte made the whole scan a fifth faster.
#if defined(__SSE2__)
using scan_blocks::bytes_in_range;
#endif

// The end of the run of ASCII letters and digits at p[i]; `digit_seen`/`alpha_seen` say
// which the run holds.
std::size_t alnum_end(const unsigned char* p, std::size_t i, std::size_t n, bool& digit_seen, bool& alpha_seen) {
  unsigned digits = 0, letters = 0;
#if defined(__SSE2__)
  while (i + 16 <= n) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const auto d = static_cast<unsigned>(_mm_movemask_epi8(bytes_in_range(x, '0', '9')));
    const auto a = static_cast<unsigned>(_mm_movemask_epi8(bytes_in_range(_mm_or_si128(x, _mm_set1_epi8(0x20)), 'a', 'z')));
    const unsigned stop = ~(d | a) & 0xFFFFu;
    if (stop != 0) {
      const unsigned len = static_cast<unsigned>(__builtin_ctz(stop));
      const unsigned in_run = (1u << len) - 1;
      digit_seen = (digits | (d & in_run)) != 0;
      alpha_seen = (letters | (a & in_run)) != 0;
      return i + len;
    }
    digits |= d;
    letters |= a;
    i += 16;
  }
#endif
  for (; i < n; ++i) {
    const std::uint8_t c = kClass[p[i]];
    if (c == kDigit) {
      digits = 1;
    } else if (c == kAlpha) {
      letters = 1;
    } else {
      break;
    }
  }
  digit_seen = digits != 0;
  alpha_seen = letters != 0;
  return i;
}

// The end of the run of bytes >= 0x80 (UTF-8 text other than ASCII) at p[i].
std::size_t high_end(const unsigned char* p, std::size_t i, std::size_t n) {
#if defined(__SSE2__)
  while (i + 16 <= n) {
    const auto high = static_cast<unsigned>(_mm_movemask_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i))));
    if (high != 0xFFFFu) return i + static_cast<unsigned>(__builtin_ctz(~high));
    i += 16;
  }
#endif
  while (i < n && p[i] >= 0x80) ++i;
  return i;
}

constexpr std::size_t kReadAhead = 1024;
using scan_blocks::Block;

// Bit s set where m has ones at s .. s + 16: a run of at least 17 from s inside the block.
[[gnu::always_inline]] inline std::uint64_t ones_17_from(std::uint64_t m) {
  const std::uint64_t m2 = m & m >> 1, m4 = m2 & m2 >> 2, m8 = m4 & m4 >> 4, m16 = m8 & m8 >> 8;
  return m16 & m >> 16;
}

// The run of ones ending at the block's last bit (it may go on into the next block), or 0: the
// bits above m's highest 0. Without a branch: whether a block ends inside a run is a coin toss.
[[gnu::always_inline]] constexpr std::uint64_t last_run(std::uint64_t m) {
  const int highest_zero = 63 - __builtin_clzll(~m | 1);  // 0 also when m has none
  return ~std::uint64_t{0} << 1 << highest_zero | static_cast<std::uint64_t>(m == ~std::uint64_t{0});
}
static_assert(last_run(0) == 0 && last_run(~std::uint64_t{0} >> 1) == 0 && last_run(~std::uint64_t{0}) == ~std::uint64_t{0});
static_assert(last_run(std::uint64_t{1} << 63) == std::uint64_t{1} << 63 && last_run(~std::uint64_t{1}) == ~std::uint64_t{1});
static_assert(last_run(0xF00000000000000Fu) == 0xF000000000000000u && last_run(~std::uint64_t{2}) == ~std::uint64_t{3});

// Bit s set where a run of ones starting at s is exactly 6, 9 or 12 long inside the block:
// two, three or four CJK characters of three bytes each, the only shapes of a name.
[[gnu::always_inline]] inline std::uint64_t runs_of_6_9_or_12_from(std::uint64_t h) {
  const std::uint64_t h2 = h & h >> 1, h4 = h2 & h2 >> 2, h8 = h4 & h4 >> 4;
  const std::uint64_t at_least_6 = h4 & h2 >> 4, at_least_7 = at_least_6 & h >> 6;
  const std::uint64_t at_least_9 = h8 & h >> 8, at_least_10 = h8 & h2 >> 8;
  const std::uint64_t at_least_12 = h8 & h4 >> 8, at_least_13 = at_least_12 & h >> 12;
  return (at_least_6 & ~at_least_7) | (at_least_9 & ~at_least_10) | (at_least_12 & ~at_least_13);
}

}  // namespace

Matcher::Matcher(const NeedleIndex& index, BlockCode blocks)
    : index_(index), avx512_(blocks == BlockCode::kBest && scan_blocks::avx512_blocks_supported()) {}

[[gnu::always_inline]] inline void Matcher::digit_group(std::size_t start, std::size_t end) {
  if (group_count_ != 0) {
    // Joined to the group before by one or two separators. Evaluated without branches: a
    // dump's digit runs join or not in no pattern a predictor learns. All reads are in the
    // input: the gap is at least one byte, and gap_start + 1 <= start.
    const std::size_t gap_start = groups_[group_count_ - 1].end;
    const std::size_t gap = start - gap_start;
    const auto* p = reinterpret_cast<const unsigned char*>(data_.data());
    const bool joined = (gap <= 2) & (kClass[p[gap_start]] == kSep) & ((gap == 1) | (kClass[p[gap_start + 1]] == kSep));
    if (!joined || group_count_ == groups_.size()) flush_digits();
  }
  groups_[group_count_++] = {start, end};
  group_digits_ += end - start;
}

// A name candidate: checked against the known names at the end of its record (the table's
// line prefetched meanwhile), and dated there when some canary has it.
void Matcher::name_candidate(std::string_view normalized, std::size_t offset) {
  if (normalized.size() > FoundName::kLongest) return;  // no canary's name is this long
  FoundName n;
  n.hash = NeedleIndex::hash(NeedleKind::kName, normalized);
  index_.prefetch_name(n.hash);
  std::memcpy(n.name.data(), normalized.data(), normalized.size());
  n.length = static_cast<std::uint8_t>(normalized.size());
  n.offset = base_ + offset;
  n.line = line_;
  n.dates = 0;  // looked up at the record's end
  names_.push_back(n);
}

// One run of ASCII letters and digits, [s, e).
[[gnu::always_inline]] inline void Matcher::word(std::size_t s, std::size_t e, bool digit_seen, bool alpha_seen) {
  const std::size_t len = e - s;
  ++words_;
  if (!alpha_seen) {
    nums_.push_back({s, len});  // for dating a name in this record
    digit_group(s, e);
    if (len == 17 || len == 24) alnum_run(s, e);
    return;
  }
  // Only a run this long can be a token or an ID, escaped or not.
  if (len >= 17) alnum_run(s, e);
  // An ISO 8601 date and time, "1985-03-09T00:00:00Z" (JSON's dates, mongoexport's $date) or
  // "19850309T000000": the day or the whole date before its 'T' is a number of the record.
  // (Three bytes looked at, not the run's digits counted: most runs led by a digit are an ID
  // with an X or a hex token.)
  if (digit_seen && kClass[static_cast<unsigned char>(data_[s])] == kDigit) {
    const char* w = data_.data() + s;  // len >= 2: a letter follows the digit
    const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
    const auto is_t = [](char c) { return (c | 0x20) == 't'; };
    if (is_t(w[1])) {
      nums_.push_back({s, 1});
    } else if (len > 2 && is_t(w[2]) && is_digit(w[1])) {
      nums_.push_back({s, 2});
    } else if (len > 8 && is_t(w[8]) && std::all_of(w, w + 8, is_digit)) {
      nums_.push_back({s, 8});
    }
  }
  if (latin_names_ && !digit_seen) {
    // A word shaped like a word of some two-word name: for the record's end, if no name is
    // found there as written (matcher_records.cpp).
    if (name_parts_ && index_.maybe_name_part(data_.data() + s, len)) {
      // Those of a record already wider than kWidestObject can no longer be joined: gone,
      // past kPartsKept (which 8 KB of words never reach), so that text without line ends
      // keeps only the last 8 KB of them.
      if (parts_.size() >= kPartsKept && s - parts_.front().start > kWidestObject) {
        parts_.erase(parts_.begin(), std::partition_point(parts_.begin(), parts_.end(), [&](const NamePart& x) {
                       return x.start + kWidestObject < s;
                     }));
      }
      parts_.push_back({s, static_cast<std::uint32_t>(len), line_, words_, 0});
    }
    // A Latin name: this word and the one before it, one space apart.
    const auto* p = reinterpret_cast<const unsigned char*>(data_.data());
    if (prev_word_end_ + 1 == s && prev_word_end_ > prev_word_start_ && data_[prev_word_end_] == ' ' &&
        index_.name_start(static_cast<unsigned char>(kLower[p[prev_word_start_]]))) {
      buffer_.clear();
      for (std::size_t k = prev_word_start_; k < prev_word_end_; ++k) buffer_ += kLower[p[k]];
      for (std::size_t k = s; k < e; ++k) buffer_ += kLower[p[k]];
      name_candidate(buffer_, prev_word_start_);
    }
    prev_word_start_ = s;
    prev_word_end_ = e;
  }
}

// One run of bytes >= 0x80, [s, e): a CJK name is two to four characters of three bytes each,
// or, written the Turkic way, longer and holding a middle dot (U+00B7, C2 B7 in UTF-8).
[[gnu::always_inline]] inline void Matcher::high_run(std::size_t s, std::size_t e) {
  const auto* p = reinterpret_cast<const unsigned char*>(data_.data());
  // 6, 9 or 12 bytes led by a 3-byte sequence's first byte, tested without a branch each.
  const std::size_t len = e - s;
  const bool shaped = (len <= 12) & ((0x1240u >> (len & 15)) & 1) & ((p[s] & 0xF0) == 0xE0);
  if (names_in_index_ && shaped && index_.name_start(NeedleIndex::code_of(p + s))) {
    name_candidate(data_.substr(s, e - s), s);
  } else if (dotted_names_ && len >= 8 && len <= FoundName::kLongest && (p[s] & 0xF0) == 0xE0 &&
             index_.name_start(NeedleIndex::code_of(p + s)) &&
             data_.substr(s, len).find("\xC2\xB7") != std::string_view::npos) {
    // Own name·father's name: two characters or more, the dot, two or more.
    name_candidate(data_.substr(s, len), s);
  }
}

// The scan's loop, for one way of classifying blocks (block_classes.h). Blocks are the
// input's 64 bytes from 0, 64, 128...; each is classified one block ahead, so that a run that
// goes on past its block's end is measured on the next block's masks (only one longer than
// that, 65 bytes or more, is read on from there: measuring every such run so took a twentieth
// of the bench scan's time).
template <class Blocks>
[[gnu::always_inline]] inline void Matcher::scan_blocks(const unsigned char* p, std::size_t n) {
  if (n == 0) return;
  Block blk = Blocks::classify(p, 0, n);
  std::uint64_t an_before = 0, high_before = 0;  // whether the byte before the block is in such a run
  for (std::size_t b = 0; b < n; b += 64) {
    if (b + kReadAhead < n) __builtin_prefetch(p + b + kReadAhead);
    // The next block; past the input, nothing.
    const Block next = b + 64 < n ? Blocks::classify(p, b + 64, n) : Block{};
    const std::uint64_t an = blk.digit | blk.alpha, an_next = next.digit | next.alpha;
    std::uint64_t an_starts = an & ~(an << 1 | an_before);
    std::uint64_t high_starts = blk.high & ~(blk.high << 1 | high_before);
    // Runs that can be nothing are not visited (about 15 of the 33 runs of a row of a CSV of
    // people, each a branch the predictor misses): a word led by a letter and shorter than a
    // token when no name is Latin, and a run of high bytes of no name's length. Runs that
    // may go on into the next block are always visited.
    if (!latin_names_) an_starts &= ~(blk.alpha & ~ones_17_from(an) & ~last_run(an));
    // (A name written own·father's, 艾尔肯·买买提, may be of any length: with such names in
    // the index every run is visited.)
    if (!dotted_names_) high_starts &= names_in_index_ ? runs_of_6_9_or_12_from(blk.high) | last_run(blk.high) : 0;
    // The block's special bytes cut it into segments; in each, its runs of letters and digits
    // first, then its runs of high bytes, then the special byte that ends it. (The two kinds of
    // run touch nothing of each other's, and a record ends only at a special byte: the same
    // work as in the order they stand, without a branch per run on which kind it is, which
    // the predictor missed about once a run.)
    std::uint64_t specials = blk.special;
    for (;;) {
      const std::uint64_t before = specials == 0 ? ~std::uint64_t{0} : (specials & -specials) - 1;
      for (std::uint64_t m = an_starts & before; m != 0; m &= m - 1) {
        const unsigned at = static_cast<unsigned>(__builtin_ctzll(m));
        const std::uint64_t stop = ~an >> at;
        std::size_t end;
        bool digit_seen, alpha_seen;
        if (stop != 0) {
          const unsigned len = static_cast<unsigned>(__builtin_ctzll(stop));
          const std::uint64_t in_run = ((std::uint64_t{1} << len) - 1) << at;  // len < 64
          end = b + at + len;
          digit_seen = (blk.digit & in_run) != 0;
          alpha_seen = (blk.alpha & in_run) != 0;
        } else {  // on into the next block
          digit_seen = (blk.digit >> at) != 0;
          alpha_seen = (blk.alpha >> at) != 0;
          const std::uint64_t stop_next = ~an_next;
          if (stop_next != 0) {
            const unsigned len = static_cast<unsigned>(__builtin_ctzll(stop_next));
            const std::uint64_t in_run = (std::uint64_t{1} << len) - 1;
            end = b + 64 + len;
            digit_seen = digit_seen || (next.digit & in_run) != 0;
            alpha_seen = alpha_seen || (next.alpha & in_run) != 0;
          } else {  // and past it
            bool more_digits, more_letters;
            end = alnum_end(p, b + 128, n, more_digits, more_letters);
            digit_seen = digit_seen || next.digit != 0 || more_digits;
            alpha_seen = alpha_seen || next.alpha != 0 || more_letters;
          }
        }
        word(b + at, end, digit_seen, alpha_seen);
      }
      for (std::uint64_t m = high_starts & before; m != 0; m &= m - 1) {
        const unsigned at = static_cast<unsigned>(__builtin_ctzll(m));
        const std::uint64_t stop = ~blk.high >> at;
        std::size_t end;
        if (stop != 0) {
          end = b + at + static_cast<unsigned>(__builtin_ctzll(stop));
        } else if (~next.high != 0) {
          end = b + 64 + static_cast<unsigned>(__builtin_ctzll(~next.high));
        } else {
          end = high_end(p, b + 128, n);
        }
        high_run(b + at, end);
      }
      if (specials == 0) break;
      special(b + static_cast<unsigned>(__builtin_ctzll(specials)));
      an_starts &= ~before;
      high_starts &= ~before;
      specials &= specials - 1;
    }
    an_before = an >> 63;
    high_before = blk.high >> 63;
    blk = next;
  }
}

void Matcher::scan_portable(const unsigned char* p, std::size_t n) { scan_blocks<scan_blocks::PortableBlocks>(p, n); }

#if defined(CANARYTRAP_AVX512_BLOCKS)
// Built for AVX-512: GCC inlines Avx512Blocks::classify here (and the matcher's inline parts,
// built for every x86-64, with it).
[[gnu::target("avx512f,avx512bw,avx512vbmi")]] void Matcher::scan_avx512(const unsigned char* p, std::size_t n) {
  scan_blocks<scan_blocks::Avx512Blocks>(p, n);
}
#else
void Matcher::scan_avx512(const unsigned char* p, std::size_t n) { scan_portable(p, n); }
#endif

// The scan visits only where something starts: a run of letters and digits, a run of bytes
// >= 0x80, or one of the special bytes. Sixty-four bytes at a time are classified into
// bitmasks and the starts taken from them lowest first; punctuation, spaces and the like
// (a third of the runs of a CSV) are never visited, and a run's end is read off its mask.
std::uint64_t Matcher::scan(std::string_view data, std::uint64_t base, std::vector<RawMatch>& out) {
  data_ = data;
  line_ = 0;
  base_ = base;
  out_ = &out;
  record_start_ = 0;
  group_count_ = 0;
  group_digits_ = 0;
  nums_.clear();
  names_.clear();
  parts_.clear();
  words_ = 0;
  open_.clear();
  prev_word_start_ = prev_word_end_ = 0;
  names_in_index_ = index_.has_names();
  latin_names_ = false;
  for (char c = 'a'; c <= 'z'; ++c) latin_names_ = latin_names_ || index_.name_start(static_cast<unsigned char>(c));
  name_parts_ = latin_names_ && index_.has_name_parts();
  dotted_names_ = names_in_index_ && index_.dotted_names();
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  if (avx512_) {
    scan_avx512(p, data.size());
  } else {
    scan_portable(p, data.size());
  }
  flush_digits();
  end_record(data.size());
  resolve_all();
  return line_;
}

}  // namespace canarytrap
