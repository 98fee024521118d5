#include "canarytrap/fake/validators.h"

#include <chrono>
#include <string>

#include "tables.h"

namespace canarytrap {

namespace {

bool all_digits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

// The digits of a value, punctuation dropped, without allocating: the generators validate
// every value they draw (an SSN, a phone, a card number per person). Values with more than
// kMax digits keep kMax + 1 of them, which every caller refuses by length.
class Digits {
 public:
  explicit Digits(std::string_view s) {
    for (char c : s) {
      if (c < '0' || c > '9') continue;
      if (size_ > kMax) break;
      buf_[size_++] = c;
    }
  }
  std::string_view view() const { return {buf_, size_}; }
  std::size_t size() const { return size_; }
  char operator[](std::size_t i) const { return buf_[i]; }
  int number(std::size_t from, std::size_t count) const {
    int n = 0;
    for (std::size_t i = from; i < from + count; ++i) n = n * 10 + (buf_[i] - '0');
    return n;
  }

 private:
  static constexpr std::size_t kMax = 24;
  char buf_[kMax + 1];
  std::size_t size_ = 0;
};

Status invalid(std::string_view what, std::string_view value, const std::string& why) {
  return Status::InvalidArgument(std::string(what) + " '" + std::string(value) + "': " + why);
}

}  // namespace

char gb11643_check_char(std::string_view first17) {
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheck[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (first17[static_cast<std::size_t>(i)] - '0') * kWeights[i];
  return kCheck[sum % 11];
}

Status validate_resident_id(std::string_view id, int today_year, int today_month, int today_day) {
  using namespace std::chrono;
  if (id.size() != 18) return invalid("resident ID", id, "must be 18 characters");
  if (!all_digits(id.substr(0, 17))) return invalid("resident ID", id, "the first 17 characters must be digits");
  if (!fake::zh_tables().county_by_code.contains(id.substr(0, 6))) {
    return invalid("resident ID", id, "unknown division code " + std::string(id.substr(0, 6)));
  }
  const int y = std::stoi(std::string(id.substr(6, 4)));
  const unsigned m = static_cast<unsigned>(std::stoi(std::string(id.substr(10, 2))));
  const unsigned d = static_cast<unsigned>(std::stoi(std::string(id.substr(12, 2))));
  const year_month_day birth{year{y}, month{m}, day{d}};
  if (!birth.ok() || y < 1900) return invalid("resident ID", id, "not a real birth date");
  const year_month_day today{year{today_year}, month{static_cast<unsigned>(today_month)},
                             day{static_cast<unsigned>(today_day)}};
  if (sys_days{birth} > sys_days{today}) return invalid("resident ID", id, "birth date in the future");
  if (id.substr(14, 3) == "000") return invalid("resident ID", id, "sequence number 000 is never issued");
  if (id[17] != gb11643_check_char(id.substr(0, 17))) return invalid("resident ID", id, "wrong check character");
  return Status::Ok();
}

char luhn_check_digit(std::string_view digits) {
  int sum = 0;
  bool dbl = true;  // the digit left of the check digit is doubled
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

bool luhn_valid(std::string_view digits) {
  if (digits.size() < 2 || !all_digits(digits)) return false;
  return luhn_check_digit(digits.substr(0, digits.size() - 1)) == digits.back();
}

Status validate_card_number(std::string_view number) {
  const Digits digits(number);
  const std::string_view d = digits.view();
  // Published test numbers (Visa, Mastercard, Amex, Discover; Stripe, Braintree, PayPal docs).
  static constexpr std::string_view kTestNumbers[] = {
      "4111111111111111", "4242424242424242", "4012888888881881", "4000056655665556", "4222222222222",
      "5555555555554444", "5105105105105100", "5200828282828210", "2223003122003222", "378282246310005",
      "371449635398431",  "378734493671000",  "6011111111111117", "6011000990139424", "6011000400000000",
      "3530111333300000", "3566002020360505", "4000000000000002", "4000000000000077", "4005519200000004"};
  if (d.size() < 13 || d.size() > 19) return invalid("card number", number, "must have 13-19 digits");
  if (!luhn_valid(d)) return invalid("card number", number, "Luhn check digit is wrong");
  for (auto t : kTestNumbers) {
    // The first digits first: a generator checks every number it draws against the list.
    if (t.size() == d.size() && t[1] == d[1] && t[2] == d[2] && t == d) {
      return invalid("card number", number, "a published test number");
    }
  }
  return Status::Ok();
}

Status validate_ssn(std::string_view ssn) {
  const Digits digits(ssn);
  const std::string_view d = digits.view();
  if (d.size() != 9) return invalid("SSN", ssn, "must have 9 digits");
  const int area = digits.number(0, 3);
  if (area == 0 || area == 666 || area >= 900) return invalid("SSN", ssn, "area 000, 666 and 900-999 are never issued");
  if (d.substr(3, 2) == "00") return invalid("SSN", ssn, "group 00 is never issued");
  if (d.substr(5) == "0000") return invalid("SSN", ssn, "serial 0000 is never issued");
  if (d == "078051120" || d == "219099999" || d == "457555462") return invalid("SSN", ssn, "a famously misused number");
  return Status::Ok();
}

Status validate_nanp_phone(std::string_view phone) {
  const Digits digits(phone);
  std::string_view d = digits.view();
  if (d.size() == 11 && d[0] == '1') d.remove_prefix(1);
  if (d.size() != 10) return invalid("phone", phone, "must have 10 digits");
  if (d[0] < '2' || d[3] < '2') return invalid("phone", phone, "area and exchange codes start with 2-9");
  if (d.substr(1, 2) == "11" || d.substr(4, 2) == "11") return invalid("phone", phone, "N11 codes are service codes");
  if (d.substr(3, 3) == "555" && d.substr(6, 2) == "01") return invalid("phone", phone, "555-01XX is reserved for fiction");
  return Status::Ok();
}

Status validate_cn_mobile(std::string_view phone) {
  const Digits digits(phone);
  const std::string_view d = digits.view();
  if (d.size() != 11 || d[0] != '1') return invalid("mobile", phone, "must have 11 digits starting with 1");
  const auto& prefixes = fake::zh_tables().mobile_prefixes;
  for (auto p : prefixes) {
    if (d.compare(0, 3, p) == 0) return Status::Ok();
  }
  return invalid("mobile", phone, "no carrier uses prefix " + std::string(d.substr(0, 3)));
}

}  // namespace canarytrap
