#include "generator_base.h"

#include <chrono>

namespace canarytrap::fake {

GeneratorBase::GeneratorBase(GeneratorOptions options) : rng_(FastRng::make(options.seed)), options_(std::move(options)) {
  if (options_.mail_domains.empty()) options_.mail_domains = {"example.com", "example.net", "example.org"};
  if (options_.photo_base_url.empty()) options_.photo_base_url = "https://img.example.com";
  if (options_.today_year == 0) {
    using namespace std::chrono;
    const year_month_day today{floor<days>(system_clock::now())};
    options_.today_year = static_cast<int>(today.year());
    options_.today_month = static_cast<int>(static_cast<unsigned>(today.month()));
    options_.today_day = static_cast<int>(static_cast<unsigned>(today.day()));
  }
}

void GeneratorBase::append_digits(std::string& out, std::uint32_t value, int width) {
  char buf[12];
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out.append(buf, static_cast<std::size_t>(width));
}

void GeneratorBase::append_number(std::string& out, std::uint32_t value) {
  char buf[10];
  int i = 10;
  do {
    buf[--i] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  out.append(buf + i, static_cast<std::size_t>(10 - i));
}

void GeneratorBase::append_random_digits(std::string& out, int count) {
  while (count >= 4) {
    append_digits(out, rng_.uniform(10000), 4);
    count -= 4;
  }
  if (count > 0) {
    static constexpr std::uint32_t kPow[] = {1, 10, 100, 1000};
    append_digits(out, rng_.uniform(kPow[count]), count);
  }
}

void GeneratorBase::draw_birth_date(Person& p) {
  using namespace std::chrono;
  // Ages 18 to 80 (the first of this month 18 years ago is never in the future).
  const sys_days newest{year{options_.today_year - 18} / options_.today_month / 1};
  const sys_days oldest{year{options_.today_year - 80} / 1 / 1};
  const auto span = static_cast<std::uint32_t>((newest - oldest).count());
  const year_month_day ymd{oldest + days(rng_.uniform(span))};
  p.birth_year = static_cast<int>(ymd.year());
  p.birth_month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  p.birth_day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  std::string& out = p[PersonField::kBirthDate];
  out.clear();
  append_digits(out, static_cast<std::uint32_t>(p.birth_year), 4);
  out += '-';
  append_digits(out, static_cast<std::uint32_t>(p.birth_month), 2);
  out += '-';
  append_digits(out, static_cast<std::uint32_t>(p.birth_day), 2);
}

const std::string& GeneratorBase::pick_mail_domain() {
  return options_.mail_domains[rng_.uniform(static_cast<std::uint32_t>(options_.mail_domains.size()))];
}

void GeneratorBase::draw_photo_url(Person& p) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string& out = p[PersonField::kPhotoUrl];
  out.assign(options_.photo_base_url);
  out += "/static/avatars/";
  append_digits(out, static_cast<std::uint32_t>(rng_.between(2014, 2025)), 4);
  out += '/';
  append_digits(out, static_cast<std::uint32_t>(rng_.between(1, 12)), 2);
  out += '/';
  for (int i = 0; i < 3; ++i) {
    std::uint64_t v = rng_.next_u64();
    for (int j = 0; j < 8; ++j, v >>= 4) out += kHex[v & 15];
  }
  out += ".jpg";
}

}  // namespace canarytrap::fake
