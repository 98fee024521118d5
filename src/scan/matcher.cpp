#include "canarytrap/scan/matcher.h"

#include <array>
#include <cstring>

namespace canarytrap {

namespace {

enum Class : std::uint8_t { kOther = 0, kDigit, kAlpha, kHigh, kAt, kPercent, kNewline, kSep, kBackslash };

constexpr std::array<std::uint8_t, 256> make_classes() {
  std::array<std::uint8_t, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = kDigit;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = kAlpha;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = kAlpha;
  for (int c = 0x80; c <= 0xFF; ++c) t[c] = kHigh;
  t['@'] = kAt;
  t['%'] = kPercent;
  t['\n'] = kNewline;
  for (char c : {' ', '-', '.', '(', ')', '+', '/'}) t[static_cast<unsigned char>(c)] = kSep;
  t['\\'] = kBackslash;
  return t;
}
constexpr auto kClass = make_classes();

constexpr std::array<char, 256> make_lower() {
  std::array<char, 256> t{};
  for (int c = 0; c < 256; ++c) t[c] = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  return t;
}
constexpr auto kLower = make_lower();

bool local_part_char(unsigned char c) {
  return kClass[c] == kDigit || kClass[c] == kAlpha || c == '.' || c == '_' || c == '+' || c == '-';
}
bool domain_char(unsigned char c) { return kClass[c] == kDigit || kClass[c] == kAlpha || c == '.' || c == '-'; }

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

}  // namespace

void Matcher::lookup(NeedleKind kind, std::string_view value, std::uint64_t offset) {
  const std::uint64_t h = NeedleIndex::hash(kind, value);
  index_.prefetch(h);
  pending_[pending_count_++] = {h, offset, line_};
  if (pending_count_ == static_cast<int>(std::size(pending_))) resolve();
}

void Matcher::resolve() {
  for (int i = 0; i < pending_count_; ++i) {
    const Pending& p = pending_[i];
    index_.for_each(p.hash, [&](std::uint32_t canary, NeedleKind kind) {
      if (kind != NeedleKind::kName) out_->push_back({p.offset, canary, kind, p.line});
    });
  }
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
    buffer_.resize(len);
    for (std::size_t i = 0; i < len; ++i) buffer_[i] = kLower[static_cast<unsigned char>(data_[start + i])];
    lookup(NeedleKind::kToken, buffer_, base_ + start);
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

void Matcher::digit_group(std::size_t start, std::size_t end) {
  if (!groups_.empty()) {
    const std::size_t gap_start = groups_.back().end;
    bool joined = start - gap_start <= 2;
    for (std::size_t i = gap_start; joined && i < start; ++i) {
      joined = kClass[static_cast<unsigned char>(data_[i])] == kSep;
    }
    if (!joined || groups_.size() == 8) flush_digits();
  }
  groups_.push_back({start, end});
}

void Matcher::flush_digits() {
  const std::size_t g = groups_.size();
  for (std::size_t a = 0; a < g; ++a) {
    std::size_t total = 0;
    buffer_.clear();
    for (std::size_t b = a; b < g; ++b) {
      total += groups_[b].end - groups_[b].start;
      if (total > 19) break;
      buffer_.append(data_.substr(groups_[b].start, groups_[b].end - groups_[b].start));
      if (total < 9) continue;
      const std::uint64_t at = base_ + groups_[a].start;
      std::string_view d = buffer_;
      // Only lengths some needle has: most digit runs in a dump are no phone, SSN or card.
      if (index_.digit_length(total)) lookup(NeedleKind::kDigits, d, at);
      if (total == 13 && d.substr(0, 2) == "86" && index_.digit_length(11)) lookup(NeedleKind::kDigits, d.substr(2), at);
      if (total == 15 && d.substr(0, 4) == "0086" && index_.digit_length(11)) lookup(NeedleKind::kDigits, d.substr(4), at);
      if (total == 11 && d[0] == '1' && index_.digit_length(10)) lookup(NeedleKind::kDigits, d.substr(1), at);
      if (total == 18 && a == b) lookup(NeedleKind::kIdNumber, d, at);
    }
  }
  groups_.clear();
}

void Matcher::email_at(std::size_t at, std::size_t width) {
  std::size_t left = at;
  while (left > record_start_ && at - left < 64 && local_part_char(static_cast<unsigned char>(data_[left - 1]))) --left;
  std::size_t right = at + width;
  while (right < data_.size() && right - at < 255 && domain_char(static_cast<unsigned char>(data_[right]))) ++right;
  while (right > at + width && (data_[right - 1] == '.' || data_[right - 1] == '-')) --right;
  if (left == at || right < at + width + 3) return;
  buffer_.clear();
  for (std::size_t i = left; i < at; ++i) buffer_ += kLower[static_cast<unsigned char>(data_[i])];
  buffer_ += '@';
  for (std::size_t i = at + width; i < right; ++i) buffer_ += kLower[static_cast<unsigned char>(data_[i])];
  lookup(NeedleKind::kEmail, buffer_, base_ + left);
}

// Names are looked up at the end of their record, so that the prefetch has landed by then.
void Matcher::name_candidate(std::string_view normalized, std::size_t offset) {
  const std::uint64_t h = NeedleIndex::hash(NeedleKind::kName, normalized);
  index_.prefetch(h);
  names_.push_back({std::string(normalized), base_ + offset, h});
}

// At the end of a record holding a known name: every date in it, in the common formats,
// against every name found.
void Matcher::end_record(std::size_t end) {
  std::erase_if(names_, [&](const FoundName& n) { return !index_.contains(n.hash); });
  if (!names_.empty()) {
    dates_.clear();
    const auto add = [&](std::size_t y, std::size_t m, std::size_t d) {
      const Num& yn = nums_[y];
      const Num& mn = nums_[m];
      const Num& dn = nums_[d];
      if (yn.len != 4 || mn.len == 0 || mn.len > 2 || dn.len == 0 || dn.len > 2) return;
      std::array<char, 8> date;
      std::memcpy(date.data(), data_.data() + yn.start, 4);
      date[4] = mn.len == 1 ? '0' : data_[mn.start];
      date[5] = data_[mn.start + mn.len - 1];
      date[6] = dn.len == 1 ? '0' : data_[dn.start];
      date[7] = data_[dn.start + dn.len - 1];
      dates_.push_back(date);
    };
    for (std::size_t k = 0; k < nums_.size(); ++k) {
      if (nums_[k].len == 8) {
        std::array<char, 8> date;
        std::memcpy(date.data(), data_.data() + nums_[k].start, 8);
        dates_.push_back(date);
      }
      // Three numbers close together (separators of up to three bytes: "-", "/", ".", "年").
      if (k + 2 < nums_.size() && nums_[k + 1].start - (nums_[k].start + nums_[k].len) <= 3 &&
          nums_[k + 2].start - (nums_[k + 1].start + nums_[k + 1].len) <= 3) {
        if (nums_[k].len == 4) {
          add(k, k + 1, k + 2);  // Y-M-D, Y/M/D, Y年M月D日
        } else if (nums_[k + 2].len == 4) {
          add(k + 2, k, k + 1);  // M/D/Y (US)
          add(k + 2, k + 1, k);  // D.M.Y, D/M/Y
        }
      }
    }
    for (const auto& n : names_) {
      for (const auto& d : dates_) {
        buffer_.assign(n.name);
        buffer_ += '|';
        buffer_.append(d.data(), d.size());
        lookup(NeedleKind::kNameDob, buffer_, n.offset);
      }
    }
    names_.clear();
  }
  nums_.clear();
  record_start_ = end + 1;
}

std::uint64_t Matcher::scan(std::string_view data, std::uint64_t base, std::vector<RawMatch>& out) {
  data_ = data;
  line_ = 0;
  base_ = base;
  out_ = &out;
  record_start_ = 0;
  groups_.clear();
  nums_.clear();
  names_.clear();
  prev_word_start_ = prev_word_end_ = 0;
  const bool names = index_.has_names();
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  const std::size_t n = data.size();
  std::size_t i = 0;
  while (i < n) {
    const std::uint8_t cls = kClass[p[i]];
    switch (cls) {
      case kOther:
      case kBackslash:
        ++i;
        break;
      case kSep:
        // ")," + "(" between the rows of a multi-row INSERT ends a record.
        if (p[i] == ')' && i + 2 < n && p[i + 1] == ',' && (p[i + 2] == '(' || (p[i + 2] == ' ' && i + 3 < n && p[i + 3] == '('))) {
          flush_digits();
          end_record(i);
        }
        ++i;
        break;
      case kNewline:
        flush_digits();
        end_record(i);
        ++line_;
        ++i;
        break;
      case kAt:
        email_at(i, 1);
        ++i;
        break;
      case kPercent:
        if (i + 2 < n && p[i + 1] == '4' && p[i + 2] == '0') email_at(i, 3);
        ++i;
        break;
      case kHigh: {
        const std::size_t s = i;
        while (i < n && p[i] >= 0x80) ++i;
        // A CJK name: two to four characters of three bytes each.
        if (names && i - s >= 6 && i - s <= 12 && (i - s) % 3 == 0 && p[s] >= 0xE0 && p[s] < 0xF0 &&
            index_.name_start(NeedleIndex::code_of(p + s))) {
          name_candidate(data.substr(s, i - s), s);
        }
        break;
      }
      default: {  // kDigit, kAlpha
        const std::size_t s = i;
        bool digits = true, alpha = true;
        while (i < n) {
          const std::uint8_t c = kClass[p[i]];
          if (c == kDigit) {
            alpha = false;
          } else if (c == kAlpha) {
            digits = false;
          } else {
            break;
          }
          ++i;
        }
        if (digits) {
          nums_.push_back({s, i - s});  // for dating a name in this record
          digit_group(s, i);
          if (i - s == 17 || i - s == 24) alnum_run(s, i);
        } else {
          alnum_run(s, i);
          if (names && alpha) {
            // A Latin name: this word and the one before it, one space apart.
            if (prev_word_end_ + 1 == s && prev_word_end_ > prev_word_start_ && data[prev_word_end_] == ' ' &&
                index_.name_start(static_cast<unsigned char>(kLower[p[prev_word_start_]]))) {
              buffer_.clear();
              for (std::size_t k = prev_word_start_; k < prev_word_end_; ++k) buffer_ += kLower[p[k]];
              for (std::size_t k = s; k < i; ++k) buffer_ += kLower[p[k]];
              const std::string candidate = buffer_;
              name_candidate(candidate, prev_word_start_);
            }
            prev_word_start_ = s;
            prev_word_end_ = i;
          }
        }
        break;
      }
    }
  }
  flush_digits();
  end_record(n);
  resolve();
  return line_;
}

}  // namespace canarytrap
