#include "value_marks.h"

#include <string>
#include <vector>

#include "canarytrap/core/normalize.h"
#include "canarytrap/fake/validators.h"

namespace canarytrap {

namespace {

// The indexes of the last `n` digits of `value`, or none if it has fewer.
std::vector<std::size_t> last_digits(const std::string& value, std::size_t n, std::size_t skip = 0) {
  std::vector<std::size_t> at;
  for (std::size_t i = value.size(); i-- > 0 && at.size() < n + skip;) {
    if (value[i] >= '0' && value[i] <= '9') at.push_back(i);
  }
  if (at.size() < n + skip) return {};
  return {at.begin() + static_cast<std::ptrdiff_t>(skip), at.end()};
}

// The characters of `value` its normalized form is made of (digits; an ID's X), into `out`.
void normalized_chars(const std::string& value, std::string& out) {
  out.clear();
  for (char c : value) {
    if (c >= '0' && c <= '9') out += c;
    else if (c == 'x' || c == 'X') out += 'X';
  }
}

// Draws the digits at `free` until the value, made valid by `finish` (false: no valid value),
// carries the mark as the registry kind `kind` normalizes it. Unchanged and false if no try
// of 4 * 10^|free| (at most 4,000) does. The normalized form is the value's digits (and an
// ID's X) less a leading prefix (a phone's 86 or 1), which the free digits never touch: it is
// taken apart once, and each try hashes the candidate's digits without normalize_fingerprint's
// allocations (the plant draws some 30 tries a canary on its busiest thread).
template <typename Finish>
bool mark_value(std::string& value, const std::vector<std::size_t>& free, std::string_view kind, const ValueMark& mark,
                FastRng& rng, Finish finish) {
  const std::optional<ScanKind> scan_kind = scan_kind_of(kind);
  auto normalized = normalize_fingerprint(kind, value);
  if (free.empty() || !scan_kind || !normalized) return false;
  std::string chars;
  normalized_chars(value, chars);
  // The normalized form must be those characters less a prefix; anything else: not markable.
  if (chars.size() < normalized->size() || chars.compare(chars.size() - normalized->size(), std::string::npos, *normalized) != 0) {
    return false;
  }
  const std::size_t prefix = chars.size() - normalized->size();
  std::uint32_t variants = 1;
  for (std::size_t i = 0; i < free.size(); ++i) variants *= 10;
  const std::uint32_t tries = std::min<std::uint32_t>(4 * variants, 4000);
  std::string candidate = value;
  for (std::uint32_t t = 0; t < tries; ++t) {
    std::uint32_t v = rng.uniform(variants);
    for (std::size_t i : free) {
      candidate[i] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    if (!finish(candidate)) continue;
    normalized_chars(candidate, chars);
    if (mark.carries(*scan_kind, std::string_view(chars).substr(prefix))) {
      // Once per value kept: the normalized form as the registry will store it.
      auto kept = normalize_fingerprint(kind, candidate);
      if (!kept || !mark.carries(*scan_kind, *kept)) return false;
      value = std::move(candidate);
      return true;
    }
  }
  return false;
}

// The digits of a value, in order.
std::string digits_of(const std::string& value) {
  std::string d;
  for (char c : value) {
    if (c >= '0' && c <= '9') d += c;
  }
  return d;
}

}  // namespace

bool mark_person(Person& p, Locale locale, const ValueMark& mark, FastRng& rng) {
  if (std::string& id = p[PersonField::kIdNumber]; !id.empty()) {
    // GB 11643: 6 digits of region, 8 of birth date, 3 of sequence (the last odd for men), a
    // check character.
    if (id.size() != 18) return false;
    const bool ok = mark_value(id, {14, 15}, "id_number", mark, rng, [](std::string& v) {
      if (v.compare(14, 3, "000") == 0) return false;  // never issued (validate_resident_id)
      v[17] = gb11643_check_char(std::string_view(v).substr(0, 17));
      return true;
    });
    if (!ok) return false;
  }
  if (std::string& phone = p[PersonField::kPhone]; !phone.empty()) {
    const bool nanp = locale == Locale::kEnUS;
    const bool ok = mark_value(phone, last_digits(phone, 4), "phone", mark, rng,
                               [&](std::string& v) { return !nanp || validate_nanp_phone(v).ok(); });
    if (!ok) return false;
  }
  if (std::string& ssn = p[PersonField::kSsn]; !ssn.empty()) {
    const bool ok = mark_value(ssn, last_digits(ssn, 4), "ssn", mark, rng,
                               [](std::string& v) { return validate_ssn(v).ok(); });
    if (!ok) return false;
  }
  if (std::string& card = p[PersonField::kCardNumber]; !card.empty()) {
    const std::vector<std::size_t> check = last_digits(card, 1);
    const bool ok = !check.empty() && mark_value(card, last_digits(card, 4, 1), "card", mark, rng, [&](std::string& v) {
      const std::string d = digits_of(v);
      v[check[0]] = luhn_check_digit(std::string_view(d).substr(0, d.size() - 1));
      return validate_card_number(digits_of(v)).ok();
    });
    if (!ok) return false;
  }
  return true;
}

}  // namespace canarytrap
