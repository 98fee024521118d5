#include "canarytrap/core/clock.h"

#include <gtest/gtest.h>

namespace canarytrap {
namespace {

TimePoint at(std::int64_t us) { return from_unix_micros(us); }

TEST(ClockTest, FormatsRfc3339InUtc) {
  EXPECT_EQ(format_time(at(0)), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_time(at(1'795'548'183'000'000)), "2026-11-24T19:23:03Z");
  EXPECT_EQ(format_time(at(1'795'548'183'000'123)), "2026-11-24T19:23:03.000123Z");
}

TEST(ClockTest, ParsesWhatItFormats) {
  for (std::int64_t us : {0LL, 1'795'548'183'000'000LL, 1'795'548'183'123'456LL, 951'782'400'000'000LL}) {
    auto t = parse_time(format_time(at(us)), at(0));
    ASSERT_TRUE(t) << t.status().message();
    EXPECT_EQ(to_unix_micros(*t), us);
  }
}

TEST(ClockTest, ParsesOffsetsDatesAndDurations) {
  const TimePoint now = at(1'795'548'183'000'000);
  auto offset = parse_time("2026-11-24T21:23:03+02:00", now);
  ASSERT_TRUE(offset);
  EXPECT_EQ(format_time(*offset), "2026-11-24T19:23:03Z");
  auto date = parse_time("2026-11-24", now);
  ASSERT_TRUE(date);
  EXPECT_EQ(format_time(*date), "2026-11-24T00:00:00Z");
  auto ago = parse_time("24h", now);
  ASSERT_TRUE(ago);
  EXPECT_EQ(format_time(*ago), "2026-11-23T19:23:03Z");
  auto days = parse_time("7d", now);
  ASSERT_TRUE(days);
  EXPECT_EQ(format_time(*days), "2026-11-17T19:23:03Z");
}

TEST(ClockTest, RejectsNonsense) {
  for (const char* bad : {"", "yesterday", "2026-13-01", "2026-02-30", "2026-11-24T25:00:00Z", "2026-11-24T10:00:00",
                          "2026-11-24T10:00:00Zjunk", "24x", "-5h", "2026-11-24T10:00:00+2"}) {
    EXPECT_FALSE(parse_time(bad, at(0))) << bad;
  }
}

}  // namespace
}  // namespace canarytrap
