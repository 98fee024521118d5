// Matcher: finds canary values in bytes, however a dump reformatted them.
//
// One pass over the bytes, classified sixty-four at a time into bitmasks, visiting only where
// a run of letters and digits or of non-ASCII bytes starts, and at '@', '%', newlines, ')',
// braces, '<' and backslashes: alphanumeric runs of a trigger token's length (dns labels,
// http ids) and ID-number shape, digit groups joined across the separators people put in
// phone numbers ("+86 138-1234-5678", "(555) 010-1234") with country prefixes removed, e-mail
// addresses around "@" or "%40" (case-folded), and within one record (a line, one row of a
// multi-row SQL INSERT, a JSON object or an XML element holding elements, on one line or
// over many) a known name and, at most 4 KB from it, a birth date in any common format, the
// name also when written as JSON escapes (\u738b\u9759) or URL-encoded (%E7%8E%8B%E9%9D%99).
// URL-encoded (%2F) and JSON-escaped (\u002F) neighbours of other values are skipped.
// Candidates are hashed and their table line prefetched at once, and looked up 32 candidates
// later, so that lookups do not wait for memory.
//
//   Matcher m(index);
//   std::vector<RawMatch> found;
//   m.scan(chunk, chunk_offset, found);   // chunks end at record ends (the caller cuts)
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "canarytrap/scan/needle_index.h"

namespace canarytrap {

struct RawMatch {
  std::uint64_t offset = 0;  // of the matched text in the input
  std::uint32_t canary = 0;  // canary id
  NeedleKind kind = NeedleKind::kToken;
  std::uint32_t line = 0;    // newlines before it in the scanned chunk
  friend bool operator==(const RawMatch&, const RawMatch&) = default;
};

// How the matcher classifies its input's bytes (src/scan/block_classes.h): the same matches
// either way. kBest is the fastest the processor runs: AVX-512 where it has AVX-512 VBMI,
// else kPortable (SSE2, or a byte at a time without it).
enum class BlockCode { kBest, kPortable };

class Matcher {
 public:
  explicit Matcher(const NeedleIndex& index, BlockCode blocks = BlockCode::kBest);
  // Returns the number of newlines in `data`.
  std::uint64_t scan(std::string_view data, std::uint64_t base, std::vector<RawMatch>& out);

 private:
  struct Pending {
    std::uint64_t hash;
    std::uint64_t offset;
    std::uint32_t line;
  };
  struct Group {
    std::size_t start, end;
  };
  struct FoundName {
    static constexpr std::size_t kLongest = 48;  // bytes, normalized
    std::array<char, kLongest> name;
    std::uint8_t length;
    std::uint64_t offset;
    std::uint64_t hash;
    std::uint32_t line;  // newlines before it in the chunk: a record may span lines
    std::uint32_t dates;  // NeedleIndex::name_dates(), once looked up
  };

  void lookup(NeedleKind kind, std::string_view value, std::uint64_t offset) { lookup(kind, value, offset, line_); }
  void lookup(NeedleKind kind, std::string_view value, std::uint64_t offset, std::uint32_t line);
  void resolve(const Pending& p);
  void resolve_all();
  void alnum_run(std::size_t start, std::size_t end);
  void digit_group(std::size_t start, std::size_t end);
  void flush_digits();
  void digit_candidates(std::string_view digits, std::uint64_t at, bool one_group);
  void email_at(std::size_t at, std::size_t width);
  void name_candidate(std::string_view normalized, std::size_t offset);
  void end_record(std::size_t end);
  void end_line(std::size_t at);
  void open_object(std::size_t at);
  void close_object(std::size_t at);
  void xml_tag(std::size_t at);
  void date_names(std::size_t from, bool keep_undated = false);
  void word(std::size_t start, std::size_t end, bool digit_seen, bool alpha_seen);
  void high_run(std::size_t start, std::size_t end);
  void escaped_name(std::size_t at, std::size_t width, int (*escape_at)(const unsigned char*, std::size_t, std::size_t));
  void special(std::size_t at);
  template <class Blocks>
  void scan_blocks(const unsigned char* p, std::size_t n);
  void scan_portable(const unsigned char* p, std::size_t n);
  void scan_avx512(const unsigned char* p, std::size_t n);

  const NeedleIndex& index_;
  bool avx512_;  // blocks classified with AVX-512 (BlockCode)
  // Per scan() call:
  std::string_view data_;
  std::uint64_t base_ = 0;
  std::vector<RawMatch>* out_ = nullptr;
  static constexpr int kPending = 32;
  Pending pending_[kPending];
  int pending_count_ = 0;
  int pending_next_ = 0;  // where the next lookup goes; with a full ring, the oldest
  std::array<Group, 8> groups_;  // digit groups joined by separators, so far
  std::size_t group_count_ = 0, group_digits_ = 0;
  std::vector<FoundName> names_;
  struct Num {
    std::size_t start, len;
  };
  std::vector<Num> nums_;                   // digit runs of the record being dated
  static constexpr std::size_t kNumsKept = 4096;  // more, and those out of reach go
  struct Date {
    std::size_t at;                // where it starts in the chunk
    std::array<char, 8> ymd;       // YYYYMMDD
  };
  std::vector<Date> dates_;        // the record's dates
  // How far from a name its birth date may stand, in bytes: a row of a wide table.
  static constexpr std::size_t kNameDateReach = 4096;
  std::size_t record_start_ = 0;
  // A JSON object or an XML element open at this point of the record (matcher_records.cpp).
  struct Open {
    std::size_t start;     // its '{' or '<'
    std::uint32_t tag;     // an XML element's name, hashed (never 0); 0 for a JSON object
    bool record;           // its close dates its names: a JSON object, an element holding elements
    std::size_t ends = 0;  // an empty element's "/>": it is closed at the next tag or line end
    bool keyed = false;    // a JSON object that is a key's value ("name": {...}), not an array's element
  };
  void push_open(const Open& o);
  void close_empty_element(std::size_t at);
  void close_record(const Open& o, std::size_t at);
  std::vector<Open> open_;  // the innermost last
  static constexpr std::size_t kDeepestObject = 64;
  // An object wider than this is no one person's record.
  static constexpr std::size_t kWidestObject = 8192;
  std::uint32_t line_ = 0;
  std::size_t prev_word_start_ = 0, prev_word_end_ = 0;
  bool names_in_index_ = false;
  bool latin_names_ = false;  // some name starts with a Latin letter
  bool dotted_names_ = false;  // some name is written own·father's (NeedleIndex::dotted_names)
  // Words of the record shaped like words of two-word Latin names (NeedleIndex::
  // maybe_name_part): at its end, if no name was found there as written, those that are such
  // words are joined with the few after them, in both orders, to find "Smith, Mary" and a
  // first and a last name in columns of their own (matcher_records.cpp).
  struct NamePart {
    std::size_t start;
    std::uint32_t length;
    std::uint32_t line;
    std::uint32_t word;  // words_ when it was found
    std::uint32_t part;  // NeedleIndex::name_part(), once looked up
  };
  std::vector<NamePart> parts_;
  std::vector<std::uint32_t> joined_;  // the pairs of parts (part << 16 | part) joined in the record
  static constexpr std::size_t kJoinedKept = 64;
  static constexpr std::size_t kPartsKept = 4096;  // more than kWidestObject bytes hold
  bool name_parts_ = false;
  std::uint32_t words_ = 0;  // runs of letters and digits so far in the chunk
  // Two words are joined when no more than kWordsBetweenNameParts words stand between them
  // (a middle name or initial; the key of a JSON field; the tags of two XML elements or two
  // table cells) within kNamePartReach bytes, and each with the next kNamePartsJoined only.
  static constexpr std::uint32_t kWordsBetweenNameParts = 4;
  static constexpr std::size_t kNamePartReach = 96;
  static constexpr std::size_t kNamePartsJoined = 2;
  void join_name_parts(std::size_t from);
  std::string buffer_;
};

}  // namespace canarytrap
