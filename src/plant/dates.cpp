#include "dates.h"

#include <cctype>
#include <chrono>
#include <cstdio>

namespace canarytrap::table_dates {

namespace {

struct DateParts {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
};

// Reads `v` in `format`; nullopt on any difference (a letter, a short value, month 13).
std::optional<DateParts> read_date(std::string_view v, const char* format) {
  DateParts d;
  std::size_t i = 0;
  for (const char* f = format; *f; ++f) {
    if (*f == '%') {
      ++f;
      const std::size_t width = *f == 'Y' ? 4 : 2;
      int value = 0;
      for (std::size_t k = 0; k < width; ++k, ++i) {
        if (i >= v.size() || !std::isdigit(static_cast<unsigned char>(v[i]))) return std::nullopt;
        value = value * 10 + (v[i] - '0');
      }
      switch (*f) {
        case 'Y': d.year = value; break;
        case 'm': d.month = value; break;
        case 'd': d.day = value; break;
        case 'H': d.hour = value; break;
        case 'M': d.minute = value; break;
        default: d.second = value; break;
      }
    } else {
      if (i >= v.size() || v[i] != *f) return std::nullopt;
      ++i;
    }
  }
  if (i != v.size()) return std::nullopt;
  if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > 31 || d.hour > 23 || d.minute > 59 || d.second > 59) {
    return std::nullopt;
  }
  return d;
}

}  // namespace

bool matches_date(std::string_view v, const DateShape& shape) {
  return v.size() == shape.length && read_date(v, shape.format).has_value();
}

std::string format_date(const char* format, int y, int m, int d, int time) {
  std::string out;
  char buf[8];
  for (const char* f = format; *f; ++f) {
    if (*f == '%') {
      ++f;
      if (*f == 'Y') {
        std::snprintf(buf, sizeof buf, "%04d", y);
      } else {
        const int v = *f == 'm' ? m : *f == 'd' ? d : *f == 'H' ? time / 3600 : *f == 'M' ? time / 60 % 60 : time % 60;
        std::snprintf(buf, sizeof buf, "%02d", v);
      }
      out += buf;
    } else {
      out += *f;
    }
  }
  return out;
}

std::optional<std::int64_t> date_seconds(std::string_view v, const char* format) {
  const auto d = read_date(v, format);
  if (!d) return std::nullopt;
  using namespace std::chrono;
  const year_month_day ymd{year{d->year}, month{static_cast<unsigned>(d->month)}, day{static_cast<unsigned>(d->day)}};
  if (!ymd.ok()) return std::nullopt;
  return std::int64_t{sys_days(ymd).time_since_epoch().count()} * 86'400 + d->hour * 3600 + d->minute * 60 + d->second;
}

std::string format_seconds(const char* format, std::int64_t seconds) {
  using namespace std::chrono;
  const std::int64_t days_since = seconds >= 0 ? seconds / 86'400 : -((-seconds + 86'399) / 86'400);
  const year_month_day ymd{sys_days{days{days_since}}};
  return format_date(format, static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
                     static_cast<int>(static_cast<unsigned>(ymd.day())), static_cast<int>(seconds - days_since * 86'400));
}

}  // namespace canarytrap::table_dates
