// The matcher's records: where one ends, and dating the known names found in it by the birth
// dates near them. A name and a date are one person's only when they stand in one record: a
// line of a CSV, a row of a multi-row SQL INSERT, a JSON object or an XML element holding
// elements, which may span lines (pretty-printed) and hold others (a person's "phones":
// [{...}, {...}], <contact>...</contact>).
#include <algorithm>
#include <array>
#include <cstring>

#include "canarytrap/scan/matcher.h"

namespace canarytrap {

namespace {

// Past the blanks from p[i]: spaces, tabs, CRs and, with `lines`, newlines. (Each call starts
// at a brace or a newline and stops at the first other byte: no byte is looked at more than
// a few times, however the input is made.)
std::size_t skip_blanks(const unsigned char* p, std::size_t i, std::size_t n, bool lines) {
  while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || (lines && p[i] == '\n'))) ++i;
  return i;
}

// The bytes a line of pretty-printed JSON or XML starts with, past its indentation.
constexpr std::array<bool, 256> make_structured_line_starts() {
  std::array<bool, 256> t{};
  for (const unsigned char c : {'"', '\'', '{', '}', '[', ']', '<'}) t[c] = true;
  return t;
}
constexpr auto kStructuredLineStart = make_structured_line_starts();

// What an XML element's name starts with (a letter, '_', or non-ASCII: <姓名>), and what ends it.
constexpr std::array<bool, 256> make_name_starts() {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) t[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
  return t;
}
constexpr auto kNameStart = make_name_starts();
constexpr std::array<bool, 256> make_tag_name_ends() {
  std::array<bool, 256> t{};
  for (const unsigned char c : {' ', '\t', '\r', '\n', '/', '>', '<'}) t[c] = true;
  return t;
}
constexpr auto kTagNameEnd = make_tag_name_ends();

// Whether the '{' at p[at] opens a JSON object (or a Python dict): followed, past blanks, by
// '}' or by a quoted key and a colon. Braces in other text ("{draft}" in a CSV field, random
// bytes) are not taken for one: each would join its row to the rows after it.
bool opens_object(const unsigned char* p, std::size_t at, std::size_t n) {
  constexpr std::size_t kLongestKey = 128;
  const std::size_t q = skip_blanks(p, at + 1, n, true);
  if (q == n) return false;
  if (p[q] == '}') return true;
  if (p[q] != '"' && p[q] != '\'') return false;
  for (std::size_t i = q + 1; i < n && i <= q + kLongestKey && p[i] != '\n'; ++i) {
    if (p[i] == p[q]) {
      const std::size_t colon = skip_blanks(p, i + 1, n, true);
      return colon < n && p[colon] == ':';
    }
  }
  return false;
}

// Whether the '{' at p[at] is a key's value: a ':' before it, past blanks (a few: each '{'
// looks back no further than kLongestIndent).
bool key_value_before(const unsigned char* p, std::size_t at) {
  constexpr std::size_t kLongestIndent = 64;
  for (std::size_t i = at; i > 0 && at - i < kLongestIndent;) {
    --i;
    if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n') return p[i] == ':';
  }
  return false;
}

// Whether the '}' at p[at] closes one: followed, past blanks, by ',', '}', ']', a line's or
// the input's end, as in JSON, or by an XML tag holding JSON text. A '}' inside a string value
// is rarely followed so.
bool closes_object(const unsigned char* p, std::size_t at, std::size_t n) {
  const std::size_t next = skip_blanks(p, at + 1, n, false);
  return next == n || p[next] == ',' || p[next] == '}' || p[next] == ']' || p[next] == '\n' || p[next] == '<';
}

}  // namespace

void Matcher::push_open(const Open& o) {
  // Deeper than any record nests: the outer half stop counting (see end_line), at once, so
  // that a file of nothing but opening tags is not a shift per tag.
  if (open_.size() == kDeepestObject) open_.erase(open_.begin(), open_.begin() + kDeepestObject / 2);
  open_.push_back(o);
}

void Matcher::open_object(std::size_t at) {
  const auto* p = reinterpret_cast<const unsigned char*>(data_.data());
  if (!opens_object(p, at, data_.size())) return;
  push_open({at, 0, true, 0, key_value_before(p, at)});
}

// An object's names are dated by the dates inside it, its own objects' included, and go with
// it: the object of a person ends that person's record. (A key's object without a date,
// {"name": {"first": ..}, "dob": ..}, leaves its names to its parent: date_names().)
void Matcher::close_object(std::size_t at) {
  if (!closes_object(reinterpret_cast<const unsigned char*>(data_.data()), at, data_.size())) return;
  // The innermost object; elements left open inside it (an HTML <br> in a string) end with
  // it. None: a brace in text, or an object begun before the chunk.
  for (std::size_t k = open_.size(); k-- > 0;) {
    if (open_[k].tag == 0) {
      const Open o = open_[k];
      open_.resize(k);
      close_record(o, at);
      return;
    }
  }
}

// An XML (or HTML) tag at '<'. An element holding elements is a record, as a JSON object is:
// <person><name>...</name><birth_date>...</birth_date></person>, on one line or over many, or
// a table's <tr>. An element of text alone (<name>...</name>) is not: its name is dated at its
// parent's end. Comments, CDATA, declarations and a '<' in text ("a < b") are skipped.
void Matcher::xml_tag(std::size_t at) {
  constexpr std::size_t kLongestName = 64, kLongestTag = 1024;
  const auto* p = reinterpret_cast<const unsigned char*>(data_.data());
  const std::size_t n = data_.size();
  const bool closing = at + 1 < n && p[at + 1] == '/';
  std::size_t i = at + 1 + (closing ? 1 : 0);
  if (i >= n || !(kNameStart[p[i]])) return;
  std::uint32_t tag = 2166136261u;  // FNV-1a of the element's name
  for (const std::size_t first = i; i < n && !kTagNameEnd[p[i]]; ++i) {
    if (i - first == kLongestName) return;
    tag = (tag ^ p[i]) * 16777619u;
  }
  tag |= 1;  // never 0, a JSON object's
  close_empty_element(at);
  if (closing) {
    // The innermost element of that name inside the innermost JSON object; elements left open
    // inside it (HTML's <br>) end with it. None: a stray end tag.
    for (std::size_t k = open_.size(); k-- > 0 && open_[k].tag != 0;) {
      if (open_[k].tag == tag) {
        const Open o = open_[k];
        open_.resize(k);
        if (o.record) close_record(o, at);
        return;
      }
    }
    return;
  }
  // Its '>', before the next '<': no byte is read for two tags.
  std::size_t end = i;
  for (const std::size_t last = std::min(n, i + kLongestTag); end < last && p[end] != '>' && p[end] != '<';) ++end;
  if (end == n || p[end] != '>') return;
  if (!open_.empty() && open_.back().tag != 0) open_.back().record = true;  // its parent holds elements
  if (p[end - 1] != '/') {
    push_open({at, tag, false});
  } else if (p[i] != '/' && p[i] != '>') {
    // <person name="..." birth_date="..."/>: a record of its attributes.
    push_open({at, tag, true, end});
  }
}

// An empty element with attributes ends at its "/>", which the scan does not stop at: it is
// closed at the next tag or line end after it.
void Matcher::close_empty_element(std::size_t at) {
  if (!open_.empty() && open_.back().ends != 0 && open_.back().ends < at) {
    const Open o = open_.back();
    open_.pop_back();
    close_record(o, at);
  }
}

// A record's end: its names dated by its dates.
void Matcher::close_record(const Open& o, std::size_t at) {
  if ((!names_.empty() && names_.back().offset - base_ > o.start) || (!parts_.empty() && parts_.back().start > o.start)) {
    date_names(o.start, o.keyed);
  }
  // A record that does not end (a wrapper round a whole file on one line) would keep every
  // number of the chunk: those no name found from here on can reach go.
  if (nums_.size() > kNumsKept) {
    std::size_t names_from = names_.empty() ? at : std::min<std::size_t>(at, names_.front().offset - base_);
    if (!parts_.empty()) names_from = std::min(names_from, parts_.front().start);
    if (names_from > kNameDateReach) {
      const auto reach = std::partition_point(nums_.begin(), nums_.end(), [&](const Num& x) {
        return x.start < names_from - kNameDateReach;
      });
      nums_.erase(nums_.begin(), reach);
    }
  }
}

// A newline ends the record unless a JSON object or XML element is open across it and the next
// line looks like a line of pretty-printed JSON or XML (a key, a string, a brace, a bracket or
// a tag first). One open for more than kWidestObject bytes is taken for a wrapper around many
// records ({"data": [...]}, <people>): newlines end records again inside it, and its inner
// objects still end theirs. A brace in other text that passed for an object's (random bytes,
// a cut-off value) joins its line to the next only if that one looks like JSON or XML.
void Matcher::end_line(std::size_t at) {
  close_empty_element(at);
  while (!open_.empty() && at - open_.front().start > kWidestObject) open_.erase(open_.begin());
  if (!open_.empty()) {
    // Past the next line's indentation only: a blank line is left to its own newline.
    const auto* p = reinterpret_cast<const unsigned char*>(data_.data());
    const std::size_t next = skip_blanks(p, at + 1, data_.size(), false);
    if (next < data_.size() && (kStructuredLineStart[p[next]] || p[next] == '\n')) return;
  }
  end_record(at);
}

void Matcher::end_record(std::size_t end) {
  date_names(record_start_);
  nums_.clear();
  open_.clear();
  record_start_ = end + 1;
}

// A record with no known name written as it is ("Mary Smith", Matcher::word): the words of
// names found in it from `from` on, joined in pairs, each with the next kNamePartsJoined
// words close after it (matcher.h), both ways round ("Mary" then "Smith": "marysmith" and
// "smithmary"). The pairs that are some canary's name are added to the record's names, in the
// order they stand (date_names() walks names and dates together), at their first word. Then
// those words are done with.
void Matcher::join_name_parts(std::size_t from) {
  auto first = std::partition_point(parts_.begin(), parts_.end(), [&](const NamePart& x) { return x.start < from; });
  // A record wider than kWidestObject (text without line ends, a wrapper's leftovers) is no one
  // person's: its words are not joined (a list of names with dates would be every name with
  // every date).
  if (first == parts_.end() || parts_.back().start - from > kWidestObject) {
    parts_.erase(first, parts_.end());
    return;
  }
  // Which words they are: the words were only shaped like some (maybe_name_part) until now.
  const auto known_end = std::remove_if(first, parts_.end(), [&](NamePart& x) {
    char lower[NeedleIndex::kLongestNamePart];
    for (std::uint32_t k = 0; k < x.length; ++k) lower[k] = static_cast<char>(data_[x.start + k] | 0x20);  // letters
    x.part = index_.name_part(NeedleIndex::hash(NeedleKind::kName, std::string_view(lower, x.length)));
    return x.part == 0;
  });
  const std::size_t names_before = names_.size();
  joined_.clear();
  const auto join = [&](const NamePart& a, const NamePart& b) {
    // (Up to kJoinedKept pairs: past them, in a record of hundreds of names such as a list
    // without line ends, a pair found again is dated again rather than searched for.)
    const std::uint32_t key = a.part << 16 | b.part;
    if (!index_.known_name_pair(a.part, b.part) || std::find(joined_.begin(), joined_.end(), key) != joined_.end()) {
      return;
    }
    if (joined_.size() < kJoinedKept) joined_.push_back(key);
    FoundName n;
    n.length = static_cast<std::uint8_t>(a.length + b.length);  // two words of at most 24 bytes
    for (std::uint32_t k = 0; k < a.length; ++k) n.name[k] = static_cast<char>(data_[a.start + k] | 0x20);
    for (std::uint32_t k = 0; k < b.length; ++k) n.name[a.length + k] = static_cast<char>(data_[b.start + k] | 0x20);
    n.hash = NeedleIndex::hash(NeedleKind::kName, std::string_view(n.name.data(), n.length));
    n.dates = index_.name_dates(n.hash);
    if (n.dates == 0) n.dates = ~std::uint32_t{0};  // (known_name_pair() said it is one: not expected)
    n.offset = base_ + a.start;
    n.line = a.line;
    names_.push_back(n);
  };
  for (auto a = first; a != known_end; ++a) {
    const std::size_t a_end = a->start + a->length;
    const auto last = known_end - a > static_cast<std::ptrdiff_t>(kNamePartsJoined) ? a + 1 + kNamePartsJoined : known_end;
    for (auto b = a + 1; b != last && b->start - a_end <= kNamePartReach && b->word - a->word <= kWordsBetweenNameParts + 1;
         ++b) {
      if (b->part == a->part) continue;  // the same word twice ("Scott,Scott") is no name of its own
      join(*a, *b);
      join(*b, *a);
    }
  }
  parts_.erase(first, parts_.end());
  if (names_.size() - names_before > 1) {
    std::stable_sort(names_.begin() + static_cast<std::ptrdiff_t>(names_before), names_.end(),
                     [](const FoundName& x, const FoundName& y) { return x.offset < y.offset; });
  }
}

// The known names found from `from` on, each against every date from `from` on, in the common
// formats, no more than kNameDateReach bytes from it; then those names are done with. (A
// record with no boundary the matcher knows, a file of CR line ends or of text without
// structure, can be a whole 4 MB chunk: every name with every date in it was quadratic work and
// blamed canaries for their namesakes' neighbours' birthdays.)
void Matcher::date_names(std::size_t from, bool keep_undated) {
  auto first_name = std::partition_point(names_.begin(), names_.end(),
                                         [&](const FoundName& n) { return n.offset - base_ < from; });
  // The known names, each with the birth dates its canaries have.
  auto kept = first_name;
  for (auto n = first_name; n != names_.end(); ++n) {
    n->dates = index_.name_dates(n->hash);
    if (n->dates == 0) continue;
    if (kept != n) *kept = *n;  // (most names are known: no copy onto itself)
    ++kept;
  }
  names_.erase(kept, names_.end());
  if (first_name == names_.end()) {
    const std::size_t first_index = names_.size();
    join_name_parts(from);
    first_name = names_.begin() + static_cast<std::ptrdiff_t>(first_index);
  } else {
    parts_.erase(std::partition_point(parts_.begin(), parts_.end(), [&](const NamePart& x) { return x.start < from; }),
                 parts_.end());
  }
  if (first_name == names_.end()) return;
  const auto known_end = names_.end();
  dates_.clear();
  const auto add = [&](std::size_t at, std::size_t y, std::size_t m, std::size_t d) {
    const Num& yn = nums_[y];
    const Num& mn = nums_[m];
    const Num& dn = nums_[d];
    if (yn.len != 4 || mn.len == 0 || mn.len > 2 || dn.len == 0 || dn.len > 2) return;
    Date date;
    date.at = at;
    std::memcpy(date.ymd.data(), data_.data() + yn.start, 4);
    date.ymd[4] = mn.len == 1 ? '0' : data_[mn.start];
    date.ymd[5] = data_[mn.start + mn.len - 1];
    date.ymd[6] = dn.len == 1 ? '0' : data_[dn.start];
    date.ymd[7] = data_[dn.start + dn.len - 1];
    // 03/03/1985 read as M/D/Y and as D/M/Y is one date: one match, not two.
    if (!dates_.empty() && dates_.back().at == at && dates_.back().ymd == date.ymd) return;
    dates_.push_back(date);
  };
  const std::size_t first_num = static_cast<std::size_t>(
      std::partition_point(nums_.begin(), nums_.end(), [&](const Num& x) { return x.start < from; }) - nums_.begin());
  for (std::size_t k = first_num; k < nums_.size(); ++k) {
    if (nums_[k].len == 8) {
      Date date;
      date.at = nums_[k].start;
      std::memcpy(date.ymd.data(), data_.data() + nums_[k].start, 8);
      dates_.push_back(date);
    }
    // Three numbers close together (separators of up to three bytes: "-", "/", ".", "年").
    if (k + 2 < nums_.size() && nums_[k + 1].start - (nums_[k].start + nums_[k].len) <= 3 &&
        nums_[k + 2].start - (nums_[k + 1].start + nums_[k + 1].len) <= 3) {
      const std::size_t at = nums_[k].start;
      if (nums_[k].len == 4) {
        add(at, k, k + 1, k + 2);  // Y-M-D, Y/M/D, Y年M月D日
      } else if (nums_[k + 2].len == 4) {
        add(at, k + 2, k, k + 1);  // M/D/Y (US)
        add(at, k + 2, k + 1, k);  // D.M.Y, D/M/Y
      }
    }
  }
  // Names and dates are both in the order they stand: the dates in reach of each name are a
  // window that only moves forward.
  std::size_t first = 0;
  for (auto n = first_name; n != known_end; ++n) {
    const std::size_t name_at = n->offset - base_;
    while (first < dates_.size() && dates_[first].at + kNameDateReach < name_at) ++first;
    for (std::size_t j = first; j < dates_.size() && dates_[j].at <= name_at + kNameDateReach; ++j) {
      // A date none of this name's canaries was born on is not looked up.
      if ((n->dates >> NeedleIndex::date_bit(dates_[j].ymd.data()) & 1) == 0) continue;
      char value[FoundName::kLongest + 1 + 8];  // name|YYYYMMDD
      std::memcpy(value, n->name.data(), n->length);
      value[n->length] = '|';
      std::memcpy(value + n->length + 1, dates_[j].ymd.data(), 8);
      lookup(NeedleKind::kNameDob, std::string_view(value, n->length + 9u), n->offset, n->line);
    }
  }
  // A key's object with no date in it ("name": {"first": .., "last": ..}) leaves its names to
  // the object around it, where the birth date is ("dob": {"date": ..}). An array's object
  // does not: it is a record of its own, and one without a date must not take its
  // neighbours'.
  if (keep_undated && dates_.empty()) return;
  names_.erase(first_name, names_.end());
}

}  // namespace canarytrap
