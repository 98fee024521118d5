#include "canarytrap/core/clock.h"

#include <cctype>
#include <charconv>
#include <cstdio>

namespace canarytrap {

TimePoint SystemClock::now() const {
  return std::chrono::time_point_cast<Micros>(std::chrono::system_clock::now());
}

const Clock& system_clock() {
  static const SystemClock kClock;
  return kClock;
}

std::string format_time(TimePoint t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss<Micros> hms{t - day};
  char buf[48];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(ymd.year()),
                        static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                        static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                        static_cast<int>(hms.seconds().count()));
  std::string out(buf, static_cast<std::size_t>(n));
  if (const auto frac = hms.subseconds().count(); frac != 0) {
    std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(frac));
    out += buf;
  }
  out += 'Z';
  return out;
}

namespace {

// Reads exactly `width` digits at text[pos]; advances pos.
bool read_digits(std::string_view text, std::size_t& pos, std::size_t width, int& out) {
  if (pos + width > text.size()) return false;
  int v = 0;
  for (std::size_t i = 0; i < width; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  pos += width;
  return true;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
  if (pos >= text.size() || std::tolower(static_cast<unsigned char>(text[pos])) != c) return false;
  ++pos;
  return true;
}

Result<TimePoint> parse_duration_ago(std::string_view text, TimePoint now) {
  std::int64_t n = 0;
  const char* end = text.data() + text.size() - 1;
  auto [p, ec] = std::from_chars(text.data(), end, n);
  if (ec != std::errc() || p != end || n < 0) {
    return Status::InvalidArgument("'" + std::string(text) + "' is not a time");
  }
  std::int64_t unit_seconds = 0;
  switch (text.back()) {
    case 's': unit_seconds = 1; break;
    case 'm': unit_seconds = 60; break;
    case 'h': unit_seconds = 3600; break;
    case 'd': unit_seconds = 86400; break;
    default: return Status::InvalidArgument("'" + std::string(text) + "' is not a time");
  }
  if (n > 100LL * 365 * 86400 / unit_seconds) {
    return Status::InvalidArgument("'" + std::string(text) + "' is too far back");
  }
  return now - std::chrono::seconds(n * unit_seconds);
}

}  // namespace

Result<TimePoint> parse_time(std::string_view text, TimePoint now) {
  using namespace std::chrono;
  const auto bad = [&] {
    return Status::InvalidArgument("'" + std::string(text) +
                                   "' is not a time (want RFC 3339 like 2026-11-24T10:00:00Z, a date, or 24h / 7d ago)");
  };
  if (text.empty()) return bad();
  if (text.size() >= 2 && std::isdigit(static_cast<unsigned char>(text[0])) && text.find('-') == std::string_view::npos) {
    return parse_duration_ago(text, now);
  }
  std::size_t pos = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!read_digits(text, pos, 4, y) || !expect(text, pos, '-') || !read_digits(text, pos, 2, mo) ||
      !expect(text, pos, '-') || !read_digits(text, pos, 2, d)) {
    return bad();
  }
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return bad();
  TimePoint t = time_point_cast<Micros>(sys_days{ymd});
  if (pos == text.size()) return t;
  if (!(expect(text, pos, 't') || expect(text, pos, ' '))) return bad();
  if (!read_digits(text, pos, 2, h) || !expect(text, pos, ':') || !read_digits(text, pos, 2, mi) ||
      !expect(text, pos, ':') || !read_digits(text, pos, 2, s)) {
    return bad();
  }
  if (h > 23 || mi > 59 || s > 60) return bad();
  t += hours(h) + minutes(mi) + seconds(s);
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    std::int64_t frac = 0;
    int digits = 0;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      if (digits < 6) {
        frac = frac * 10 + (text[pos] - '0');
        ++digits;
      }
      ++pos;
    }
    if (digits == 0) return bad();
    while (digits++ < 6) frac *= 10;
    t += Micros(frac);
  }
  if (expect(text, pos, 'z')) return pos == text.size() ? Result<TimePoint>(t) : bad();
  if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos] == '+' ? 1 : -1;
    ++pos;
    int oh = 0, om = 0;
    if (!read_digits(text, pos, 2, oh) || !expect(text, pos, ':') || !read_digits(text, pos, 2, om) ||
        pos != text.size() || oh > 23 || om > 59) {
      return bad();
    }
    return t - sign * (hours(oh) + minutes(om));
  }
  return bad();
}

}  // namespace canarytrap
