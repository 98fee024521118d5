#include "generator_base.h"

#include <algorithm>
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
  // More people born on one day than chance gives among a table's sample (a few hundred to
  // a thousand births over decades): a placeholder, copied exactly.
  constexpr std::size_t kPlaceholderRepeats = 5;
  auto& births = options_.birth_days;
  std::sort(births.begin(), births.end());
  birth_day_exact_.assign(births.size(), false);
  for (std::size_t i = 0; i < births.size();) {
    std::size_t j = i;
    while (j < births.size() && births[j] == births[i]) ++j;
    if (j - i >= kPlaceholderRepeats) {
      for (std::size_t k = i; k < j; ++k) birth_day_exact_[k] = true;
    }
    i = j;
  }
  for (std::size_t i = 0; i < births.size(); ++i) {
    if (birth_day_exact_[i]) continue;
    birth_span_first_ = std::min(birth_span_first_, births[i]);
    birth_span_last_ = std::max(birth_span_last_, births[i]);
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

Gender GeneratorBase::draw_gender() {
  if (options_.male_share) {
    return rng_.uniform(1'000'000) < static_cast<std::uint32_t>(std::clamp(*options_.male_share, 0.0, 1.0) * 1e6)
               ? Gender::kMale
               : Gender::kFemale;
  }
  return rng_.uniform(2) == 0 ? Gender::kMale : Gender::kFemale;
}

void GeneratorBase::draw_birth_date(Person& p) {
  using namespace std::chrono;
  year_month_day ymd;
  if (const auto& births = options_.birth_days; !births.empty()) {
    // Within the births' own span (a table of people born 1998-2004 has nobody of 2005): a
    // day drawn past either end is drawn again, and after 8 tries one of theirs is taken.
    auto k = rng_.uniform(static_cast<std::uint32_t>(births.size()));
    std::int64_t day = births[k];
    for (int attempt = 0; attempt < 8 && !birth_day_exact_[k]; ++attempt) {
      const std::int64_t near = births[k] + static_cast<std::int64_t>(rng_.uniform(365)) - 182;
      if (near >= birth_span_first_ && near <= birth_span_last_) {
        day = near;
        break;
      }
      k = rng_.uniform(static_cast<std::uint32_t>(births.size()));
      day = births[k];
    }
    const sys_days today{year{options_.today_year} / options_.today_month / options_.today_day};
    day = std::clamp<std::int64_t>(day, sys_days{year{1900} / 1 / 1}.time_since_epoch().count(),
                                   today.time_since_epoch().count());
    ymd = year_month_day{sys_days{days{day}}};
  } else {
    // Ages 18 to 80 (the first of this month 18 years ago is never in the future).
    const sys_days newest{year{options_.today_year - 18} / options_.today_month / 1};
    const sys_days oldest{year{options_.today_year - 80} / 1 / 1};
    const auto span = static_cast<std::uint32_t>((newest - oldest).count());
    ymd = year_month_day{oldest + days(rng_.uniform(span))};
  }
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
