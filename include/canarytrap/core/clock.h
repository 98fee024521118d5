// Time in canarytrap: UTC, microsecond resolution, stored as Unix microseconds.
//
// Clock is an interface so that tests can pin "now"; SystemClock is the real one.
// format_time() writes RFC 3339 (`2026-11-24T19:23:03.123456Z`); parse_time() reads
// RFC 3339 (Z or ±hh:mm), a bare date (`2026-11-24`, midnight UTC) or a duration back
// from now (`90s`, `30m`, `24h`, `7d`), the forms a `--since` flag takes.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "canarytrap/core/status.h"

namespace canarytrap {

using Micros = std::chrono::microseconds;
using TimePoint = std::chrono::sys_time<Micros>;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override;
};

// The process-wide real clock.
const Clock& system_clock();

inline std::int64_t to_unix_micros(TimePoint t) { return t.time_since_epoch().count(); }
inline TimePoint from_unix_micros(std::int64_t us) { return TimePoint(Micros(us)); }

// RFC 3339 in UTC; the fraction is omitted when it is zero.
std::string format_time(TimePoint t);

// See the header comment for the accepted forms; `now` anchors relative durations.
Result<TimePoint> parse_time(std::string_view text, TimePoint now);

}  // namespace canarytrap
