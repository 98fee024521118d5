// The matcher's values (matcher.h): what a run of letters and digits, a group of digits or a
// special byte ('@', "%40", an escape) makes into a candidate, normalized as the registry
// normalizes it (lower case, digits alone, the ID's check letter upper case), and the
// candidates' look-ups in the needle table, a ring of them waiting on their prefetches.
#include <algorithm>
#include <array>
#include <cstring>

#include "block_classes.h"
#include "canarytrap/scan/matcher.h"
#include "matcher_bytes.h"

namespace canarytrap {

namespace {

using namespace matcher_bytes;
#if defined(__SSE2__)
using scan_blocks::bytes_in_range;
#endif

// Bit 1: may be in an e-mail address's local part; bit 2: in its domain.
constexpr std::array<std::uint8_t, 256> make_email_chars() {
  std::array<std::uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (alnum || c == '.' || c == '_' || c == '+' || c == '-') t[c] |= 1;
    if (alnum || c == '.' || c == '-') t[c] |= 2;
  }
  return t;
}
constexpr auto kEmailChar = make_email_chars();
bool local_part_char(unsigned char c) { return kEmailChar[c] & 1; }
bool domain_char(unsigned char c) { return kEmailChar[c] & 2; }

int hex_value(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c |= 0x20;
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

bool is_hex(char c) { return hex_value(static_cast<unsigned char>(c)) >= 0; }

// The UTF-16 code unit of a JSON escape "\uXXXX" at p[i], or -1.
int json_escape_at(const unsigned char* p, std::size_t i, std::size_t n) {
  if (i + 6 > n || p[i] != '\\' || p[i + 1] != 'u') return -1;
  int v = 0;
  for (std::size_t k = 2; k < 6; ++k) {
    const int h = hex_value(p[i + k]);
    if (h < 0) return -1;
    v = v << 4 | h;
  }
  return v;
}

// The byte of a URL escape "%XX" at p[i], or -1.
int percent_escape_at(const unsigned char* p, std::size_t i, std::size_t n) {
  if (i + 3 > n || p[i] != '%') return -1;
  const int hi = hex_value(p[i + 1]), lo = hex_value(p[i + 2]);
  return hi < 0 || lo < 0 ? -1 : hi << 4 | lo;
}

// The end of the domain at p[i] (letters, digits, '.' and '-'), at most at `limit`. (Most
// domains are shorter than sixteen bytes: one compare, where a byte at a time was a branch
// the predictor missed at each address's end.)
std::size_t domain_end(const unsigned char* p, std::size_t i, std::size_t limit) {
#if defined(__SSE2__)
  while (i + 16 <= limit) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i in = _mm_or_si128(
        _mm_or_si128(bytes_in_range(x, '0', '9'), bytes_in_range(_mm_or_si128(x, _mm_set1_epi8(0x20)), 'a', 'z')),
        _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('.')), _mm_cmpeq_epi8(x, _mm_set1_epi8('-'))));
    const unsigned stop = ~static_cast<unsigned>(_mm_movemask_epi8(in)) & 0xFFFFu;
    if (stop != 0) return i + static_cast<unsigned>(__builtin_ctz(stop));
    i += 16;
  }
#endif
  while (i < limit && domain_char(p[i])) ++i;
  return i;
}

// src[0, len) in lower case into out, which has room for len + 15 bytes; src's input ends
// at `end`. Sixteen bytes at a time while the input has them (past len too: out has room).
void lower_copy(const unsigned char* src, std::size_t len, const unsigned char* end, char* out) {
  std::size_t k = 0;
#if defined(__SSE2__)
  for (; k < len && end - (src + k) >= 16; k += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + k));
    const __m128i lower = _mm_or_si128(x, _mm_and_si128(bytes_in_range(x, 'A', 'Z'), _mm_set1_epi8(0x20)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + k), lower);
  }
#endif
  for (; k < len; ++k) out[k] = kLower[src[k]];
}

}  // namespace

// Lookups wait in a ring of kPending: each is resolved kPending lookups after its prefetch
// was issued, by then (a few hundred bytes of input later) long landed.
// A candidate of a kind filtered by the registry's value mark is looked up only when it carries
// the mark too (or is one of the few needles without it): 15 of 16 look-alike IDs, phones and
// tokens of a dump end here, without the table's random read.
void Matcher::lookup(NeedleKind kind, std::string_view value, std::uint64_t offset, std::uint32_t line) {
  const std::uint64_t h = NeedleIndex::hash(kind, value);
  if (index_.marked(kind) && !index_.mark().carries(h) && !index_.unmarked_needle(h)) return;
  index_.prefetch(h);
  Pending& slot = pending_[pending_next_];
  if (pending_count_ == kPending) {
    resolve(slot);
  } else {
    ++pending_count_;
  }
  slot = {h, offset, line};
  pending_next_ = (pending_next_ + 1) % kPending;
}

void Matcher::resolve(const Pending& p) {
  index_.for_each(p.hash, [&](std::uint32_t canary, NeedleKind kind) { out_->push_back({p.offset, canary, kind, p.line}); });
}

void Matcher::resolve_all() {
  for (int k = 0; k < pending_count_; ++k) resolve(pending_[(pending_next_ + kPending - pending_count_ + k) % kPending]);
  pending_count_ = 0;
}

void Matcher::alnum_run(std::size_t start, std::size_t end) {
  // Skip an escape glued to the front: %2F, \u002F, \n.
  if (start > 0) {
    const char before = data_[start - 1];
    if (before == '%' && end - start > 2 && is_hex(data_[start]) && is_hex(data_[start + 1])) {
      alnum_run(start + 2, end);
    } else if (before == '\\' && data_[start] == 'u' && end - start > 5) {
      alnum_run(start + 5, end);
    } else if (before == '\\' && end - start > 1 && (data_[start] == 'n' || data_[start] == 't' || data_[start] == 'r')) {
      alnum_run(start + 1, end);
    }
  }
  const std::size_t len = end - start;
  if (len == 17 || len == 24) {
    char token[24 + 16];
    const auto* p = reinterpret_cast<const unsigned char*>(data_.data());
    lower_copy(p + start, len, p + data_.size(), token);
    lookup(NeedleKind::kToken, std::string_view(token, len), base_ + start);
  } else if (len == 18) {
    // GB 11643 ID: 17 digits and a check character, X written either case.
    buffer_.assign(data_.substr(start, 18));
    bool digits = true;
    for (std::size_t i = 0; i < 17; ++i) digits = digits && kClass[static_cast<unsigned char>(buffer_[i])] == kDigit;
    if (digits && (buffer_[17] == 'x' || buffer_[17] == 'X')) {
      buffer_[17] = 'X';
      lookup(NeedleKind::kIdNumber, buffer_, base_ + start);
    }
  }
}

// The digit strings some needle could be: each group alone and joined to the groups after it
// (a phone written "138 1234 5678"), 9 to 19 digits long.
void Matcher::flush_digits() {
  const std::size_t g = group_count_;
  const std::size_t all = group_digits_;
  group_count_ = 0;
  group_digits_ = 0;
  if (all < 9) return;  // most digit groups of a dump: dates, house numbers, counts
  for (std::size_t a = 0; a < g; ++a) {
    std::size_t total = 0;
    buffer_.clear();
    for (std::size_t b = a; b < g; ++b) {
      total += groups_[b].end - groups_[b].start;
      if (total > 19) break;
      if (total < 9) {
        buffer_.append(data_.substr(groups_[b].start, groups_[b].end - groups_[b].start));
        continue;
      }
      // One group: its digits as they stand in the input; several: copied together.
      std::string_view d;
      if (a == b) {
        d = data_.substr(groups_[a].start, total);
      } else {
        buffer_.append(data_.substr(groups_[b].start, groups_[b].end - groups_[b].start));
        d = buffer_;
      }
      if (a == b && b + 1 < g) buffer_.assign(d);  // for the groups joined to it next
      digit_candidates(d, base_ + groups_[a].start, a == b);
    }
  }
}

void Matcher::digit_candidates(std::string_view d, std::uint64_t at, bool one_group) {
  const std::size_t total = d.size();
  // Only lengths some needle has: most digit runs in a dump are no phone, SSN or card.
  if (index_.digit_length(total)) lookup(NeedleKind::kDigits, d, at);
  if (total == 13 && d.substr(0, 2) == "86" && index_.digit_length(11)) lookup(NeedleKind::kDigits, d.substr(2), at);
  if (total == 15 && d.substr(0, 4) == "0086" && index_.digit_length(11)) lookup(NeedleKind::kDigits, d.substr(4), at);
  if (total == 11 && d[0] == '1' && index_.digit_length(10)) lookup(NeedleKind::kDigits, d.substr(1), at);
  if (total == 18 && one_group) lookup(NeedleKind::kIdNumber, d, at);
}

void Matcher::email_at(std::size_t at, std::size_t width) {
  const auto* p = reinterpret_cast<const unsigned char*>(data_.data());
  std::size_t right = domain_end(p, at + width, std::min(data_.size(), at + 255));
  while (right > at + width && (data_[right - 1] == '.' || data_[right - 1] == '-')) --right;
  if (right < at + width + 3 || at <= record_start_ || !local_part_char(static_cast<unsigned char>(data_[at - 1]))) return;
  // The domain first: an address at a domain no canary uses is dropped before it is assembled.
  char domain[256 + 16];
  const std::size_t domain_len = right - (at + width);
  lower_copy(p + at + width, domain_len, p + data_.size(), domain);
  if (!index_.email_domain(NeedleIndex::hash(NeedleKind::kEmail, std::string_view(domain, domain_len)))) return;
  std::size_t left = at;
  while (left > record_start_ && at - left < 64 && local_part_char(static_cast<unsigned char>(data_[left - 1]))) --left;
  buffer_.resize((at - left) + 1 + domain_len);
  char* out = buffer_.data();
  for (std::size_t i = left; i < at; ++i) *out++ = kLower[static_cast<unsigned char>(data_[i])];
  *out++ = '@';
  std::memcpy(out, domain, domain_len);
  lookup(NeedleKind::kEmail, buffer_, base_ + left);
}

// A CJK name written as escapes: JSON's \u738b\u9759 (PHP's json_encode and Python's
// json.dumps write every non-ASCII character so by default) or a URL's %E7%8E%8B%E9%9D%99. The
// escapes are decoded to UTF-8 and taken as a run of bytes >= 0x80 would be: a whole run of
// escaped non-ASCII text, 6, 9 or 12 bytes of it, led by a 3-byte character. `width` is an
// escape's length; escape_at(p, i, n) decodes the one at i (a UTF-16 code unit or a byte),
// or says -1.
void Matcher::escaped_name(std::size_t i, std::size_t width, int (*escape_at)(const unsigned char*, std::size_t,
                                                                              std::size_t)) {
  if (!names_in_index_) return;
  const auto* p = reinterpret_cast<const unsigned char*>(data_.data());
  const std::size_t n = data_.size();
  // Inside a run already: its first escape read it.
  if (i >= width && escape_at(p, i - width, n) >= 0x80) return;
  char name[FoundName::kLongest];
  std::size_t len = 0;
  const bool units = width == 6;  // JSON: UTF-16 code units; URLs: UTF-8 bytes
  for (std::size_t at = i;; at += width) {
    const int v = escape_at(p, at, n);
    if (v < 0x80) break;
    if (units) {
      // A name's characters take three bytes in UTF-8 (U+0800 on, not a surrogate); anything
      // else in the run makes it no name.
      if (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF) || len + 3 > 12) return;
      name[len++] = static_cast<char>(0xE0 | v >> 12);
      name[len++] = static_cast<char>(0x80 | (v >> 6 & 0x3F));
      name[len++] = static_cast<char>(0x80 | (v & 0x3F));
    } else {
      if (len == 12) return;
      name[len++] = static_cast<char>(v);
    }
  }
  const auto* u = reinterpret_cast<const unsigned char*>(name);
  const bool shaped = (len == 6 || len == 9 || len == 12) && (u[0] & 0xF0) == 0xE0;
  if (shaped && index_.name_start(NeedleIndex::code_of(u))) name_candidate(std::string_view(name, len), i);
}

// The bytes the scan stops at besides runs: '@', '%', '\n', ')', '\\', '{', '}' and '<'.
void Matcher::special(std::size_t i) {
  const auto* p = reinterpret_cast<const unsigned char*>(data_.data());
  const std::size_t n = data_.size();
  switch (p[i]) {
    case '\n':
      flush_digits();
      end_line(i);
      ++line_;
      break;
    case '@':
      email_at(i, 1);
      break;
    case '%':
      if (i + 2 < n && p[i + 1] == '4' && p[i + 2] == '0') {
        email_at(i, 3);
      } else {
        escaped_name(i, 3, percent_escape_at);
      }
      break;
    case '\\':
      escaped_name(i, 6, json_escape_at);
      break;
    case '{':
      open_object(i);
      break;
    case '}':
      close_object(i);
      break;
    case '<':
      xml_tag(i);
      break;
    default:  // ")," + "(" between the rows of a multi-row INSERT: a record ends
      if (i + 2 < n && p[i + 1] == ',' && (p[i + 2] == '(' || (p[i + 2] == ' ' && i + 3 < n && p[i + 3] == '('))) {
        flush_digits();
        end_record(i);
      }
  }
}

}  // namespace canarytrap
