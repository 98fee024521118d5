// The date and time forms a profiled column may hold, read and written without a locale:
// matching a value to a form, writing a date in one, and both as seconds since 1970 (UTC)
// for columns whose times are ordered (see time_order.h). Private to the plant module.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace canarytrap::table_dates {

struct DateShape {
  const char* format;  // strftime-like, only %Y %m %d %H %M %S and literal characters
  std::size_t length;
};
// The first shape every value has wins: midnight before any time of day.
inline constexpr DateShape kDateShapes[] = {{"%Y-%m-%d", 10},          {"%Y/%m/%d", 10},          {"%Y.%m.%d", 10},
                                            {"%Y%m%d", 8},             {"%m/%d/%Y", 10},          {"%d/%m/%Y", 10},
                                            {"%Y-%m-%d 00:00:00", 19}, {"%Y-%m-%d %H:%M:%S", 19}, {"%Y/%m/%d %H:%M:%S", 19},
                                            {"%Y-%m-%dT%H:%M:%S", 19}};

bool matches_date(std::string_view v, const DateShape& shape);

// `time`: seconds into the day, for %H %M %S.
std::string format_date(const char* format, int y, int m, int d, int time = 0);

// `v` in `format` as seconds since 1970-01-01 00:00:00 UTC; nullopt if it is not in that form.
std::optional<std::int64_t> date_seconds(std::string_view v, const char* format);
// The inverse: `seconds` written in `format`.
std::string format_seconds(const char* format, std::int64_t seconds);

}  // namespace canarytrap::table_dates
