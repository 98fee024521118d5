#include "time_order.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "dates.h"

namespace canarytrap {

using table_dates::date_seconds;
using table_dates::format_seconds;

namespace {

// Fewer rows with both dates than this prove no order.
constexpr std::size_t kMinPairs = 10;
// A column grows with the rows' order when at least this share of consecutive sampled
// values do not go back (a few rows edited or imported late are allowed), among at least
// kMinGrowing values of which at least half are distinct (not a status date shared by all).
constexpr double kGrowingShare = 0.95;
constexpr std::size_t kMinGrowing = 20;

// A uniform draw from [0, n) for n up to 2^63.
std::int64_t below(FastRng& rng, std::int64_t n) {
  if (n <= 1) return 0;
  return static_cast<std::int64_t>(rng.next_u64() % static_cast<std::uint64_t>(n));
}

bool orderable(const ColumnPlan& c) {
  return c.kind == ColumnPlan::Kind::kProfiled && !c.profile.date_format.empty() && !c.column.references &&
         !c.column.unique;  // a unique cell is drawn again on a clash, after the row was filled
}

std::optional<std::int64_t> seconds_of(const Cell& cell, const ColumnPlan& c) {
  if (!cell || cell->empty()) return std::nullopt;
  return date_seconds(*cell, c.profile.date_format.c_str());
}

// The civil date of `seconds` since 1970 (UTC).
std::chrono::year_month_day civil_date(std::int64_t seconds) {
  const std::int64_t day = seconds >= 0 ? seconds / 86'400 : -((-seconds + 86'399) / 86'400);
  return std::chrono::year_month_day{std::chrono::sys_days{std::chrono::days{day}}};
}

std::int64_t seconds_of_day(std::chrono::sys_days d) { return static_cast<std::int64_t>(d.time_since_epoch().count()) * 86'400; }

// The start of the day someone born on year/month/day turns `age` (a 29 February birthday
// turns it on 1 March in other years).
std::int64_t birthday_at(int year, int month, int day, int age) {
  using namespace std::chrono;
  const year_month_day d{std::chrono::year{year + age}, std::chrono::month{static_cast<unsigned>(month)},
                         std::chrono::day{static_cast<unsigned>(day)}};
  if (d.ok()) return seconds_of_day(sys_days{d});
  return seconds_of_day(sys_days{std::chrono::year{year + age} / March / 1});
}

// Whole years between a birth date and `at`.
int age_on(const std::chrono::year_month_day& birth, std::int64_t at) {
  const auto d = civil_date(at);
  const bool before_birthday = d.month() < birth.month() || (d.month() == birth.month() && d.day() < birth.day());
  return static_cast<int>(d.year()) - static_cast<int>(birth.year()) - (before_birthday ? 1 : 0);
}

// The span a column's canary dates are drawn from: its oldest to newest value when it grows,
// else its profile's years (as random_date draws them).
std::int64_t earliest_of(const ColumnPlan& c) {
  if (c.grows) return c.oldest;
  return seconds_of_day(std::chrono::sys_days{std::chrono::year{c.profile.min_year} / std::chrono::January / 1});
}
std::int64_t latest_of(const ColumnPlan& c) {
  if (c.grows) return c.newest;
  return seconds_of_day(std::chrono::sys_days{std::chrono::year{c.profile.max_year} / std::chrono::December / 31}) + 86'399;
}

// The youngest age each profiled date column shows beside the birth date (ColumnPlan::
// min_age), for the columns that follow no other (those are later still).
void learn_min_ages(MappingPlan& plan, const TableSample& sample) {
  std::optional<std::size_t> birth;
  for (std::size_t i = 0; i < plan.columns.size() && !birth; ++i) {
    const ColumnPlan& c = plan.columns[i];
    if (c.kind == ColumnPlan::Kind::kField && c.field == PersonField::kBirthDate && !c.profile.date_format.empty()) birth = i;
  }
  if (!birth) return;
  for (std::size_t i = 0; i < plan.columns.size(); ++i) {
    ColumnPlan& c = plan.columns[i];
    // A column of a few dates (a batch's) keeps to them: no date of its own to draw.
    if (!orderable(c) || c.follows || !c.profile.value_set.empty()) continue;
    std::optional<int> youngest;
    std::size_t pairs = 0;
    for (const TableRow& row : sample.rows) {
      if (row.size() <= std::max(i, *birth)) continue;
      const auto born = seconds_of(row[*birth], plan.columns[*birth]);
      const auto at = seconds_of(row[i], c);
      if (!born || !at) continue;
      const int age = age_on(civil_date(*born), *at);
      youngest = youngest ? std::min(*youngest, age) : age;
      ++pairs;
    }
    // A date before some birth (a column of other people's dates) bounds nothing.
    if (pairs >= kMinPairs && *youngest >= 0) c.min_age = youngest;
  }
}

// Whether the column's values in the sample grow with the rows' order; if so, sets grows,
// oldest, newest and seconds_per_row.
void learn_growth(ColumnPlan& c, std::size_t column, const TableSample& sample) {
  std::vector<std::int64_t> times;
  for (const TableRow& row : sample.rows) {
    if (column >= row.size()) continue;
    if (const auto t = seconds_of(row[column], c)) times.push_back(*t);
  }
  if (times.size() < kMinGrowing) return;
  std::size_t forward = 0, backward = 0;
  for (std::size_t i = 1; i < times.size(); ++i) {
    forward += times[i] >= times[i - 1];
    backward += times[i] <= times[i - 1];
  }
  const double enough = kGrowingShare * static_cast<double>(times.size() - 1);
  const bool newest_first = static_cast<double>(backward) >= enough;
  if (static_cast<double>(forward) < enough && !newest_first) return;
  std::vector<std::int64_t> sorted = times;
  std::sort(sorted.begin(), sorted.end());
  const auto distinct = static_cast<std::size_t>(std::unique(sorted.begin(), sorted.end()) - sorted.begin());
  if (2 * distinct < times.size() || sorted.front() == sorted[distinct - 1]) return;
  c.grows = true;
  c.newest_first = newest_first;
  c.oldest = sorted.front();
  c.newest = sorted[distinct - 1];
  // The sample is spread over the whole table: its span took the table's rows.
  const auto rows = std::max<std::int64_t>(sample.row_count, static_cast<std::int64_t>(times.size()));
  c.seconds_per_row = static_cast<double>(c.newest - c.oldest) / static_cast<double>(std::max<std::int64_t>(rows - 1, 1));
}

// Rewrites each column that follows another from that one's value plus a gap, the one
// followed first. A column follows at most one other and the relation has no cycle (a row
// where one is later breaks the reverse order; equal columns follow the one to their left),
// so settling depth-first gives every column its final value.
void settle_followers(const MappingPlan& plan, TableRow& row, FastRng& rng) {
  // Most tables have no such column: no work per row for them.
  if (std::none_of(plan.columns.begin(), plan.columns.end(), [](const ColumnPlan& c) { return c.follows.has_value(); })) {
    return;
  }
  std::vector<char> settled(plan.columns.size(), 0);
  const auto settle = [&](auto&& self, std::size_t i) -> void {
    if (settled[i]) return;
    settled[i] = 1;
    const ColumnPlan& c = plan.columns[i];
    if (!c.follows || c.gaps.empty() || i >= row.size() || *c.follows >= row.size()) return;
    self(self, *c.follows);
    const auto base = seconds_of(row[*c.follows], plan.columns[*c.follows]);
    if (!base || !row[i] || row[i]->empty()) return;  // no date to follow, or this one left empty
    const std::int64_t gap = c.gaps[rng.uniform(static_cast<std::uint32_t>(c.gaps.size()))];
    row[i] = format_seconds(c.profile.date_format.c_str(), *base + gap);
  };
  for (std::size_t i = 0; i < plan.columns.size(); ++i) settle(settle, i);
}

}  // namespace

void learn_time_order(MappingPlan& plan, const TableSample& sample) {
  const std::size_t n = plan.columns.size();
  for (std::size_t later = 0; later < n; ++later) {
    ColumnPlan& b = plan.columns[later];
    if (!orderable(b)) continue;
    std::int64_t best_median = 0;
    for (std::size_t earlier = 0; earlier < n; ++earlier) {
      const ColumnPlan& a = plan.columns[earlier];
      if (earlier == later || !orderable(a)) continue;
      std::vector<std::int64_t> gaps;
      bool ordered = true;
      for (const TableRow& row : sample.rows) {
        if (row.size() <= std::max(earlier, later)) continue;
        const auto ta = seconds_of(row[earlier], a), tb = seconds_of(row[later], b);
        if (!ta || !tb) continue;
        if (*tb < *ta) {
          ordered = false;
          break;
        }
        gaps.push_back(*tb - *ta);
      }
      if (!ordered || gaps.size() < kMinPairs) continue;
      // Two columns equal in every row would each follow the other: the later one in the
      // table follows the earlier one only.
      const bool all_equal = std::all_of(gaps.begin(), gaps.end(), [](std::int64_t g) { return g == 0; });
      if (all_equal && earlier > later) continue;
      std::nth_element(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(gaps.size() / 2), gaps.end());
      const std::int64_t median = gaps[gaps.size() / 2];
      // Of several earlier columns, the nearest: it bounds this one most closely.
      if (!b.follows || median < best_median) {
        b.follows = earlier;
        b.follows_column = a.column.name;
        b.gaps = std::move(gaps);
        best_median = median;
      }
    }
  }
  // A column that follows another moves with it; only the others can grow on their own.
  for (std::size_t i = 0; i < n; ++i) {
    if (orderable(plan.columns[i]) && !plan.columns[i].follows) learn_growth(plan.columns[i], i, sample);
  }
  learn_min_ages(plan, sample);
}

void apply_time_order(const MappingPlan& plan, const Person& person, TableRow& row, FastRng& rng) {
  for (std::size_t i = 0; i < plan.columns.size() && i < row.size(); ++i) {
    const ColumnPlan& c = plan.columns[i];
    if (!row[i] || row[i]->empty() || (!c.grows && !c.min_age)) continue;
    // The first moment this person may have a date here; a growing column's time is drawn
    // from then on, another column's drawn again from then on only if it came out earlier.
    // (If no date of the span allows it, old_enough() was false and the span stands.)
    std::int64_t from = earliest_of(c);
    const std::int64_t to = latest_of(c);
    if (c.min_age) {
      const std::int64_t birthday = birthday_at(person.birth_year, person.birth_month, person.birth_day, *c.min_age);
      if (birthday <= to) from = std::max(from, birthday);
    }
    if (!c.grows) {
      const auto drawn = seconds_of(row[i], c);
      if (!drawn || *drawn >= from) continue;
    }
    row[i] = format_seconds(c.profile.date_format.c_str(), from + below(rng, to - from + 1));
  }
  settle_followers(plan, row, rng);
}

bool MappingPlan::old_enough(const Person& person) const {
  return std::all_of(columns.begin(), columns.end(), [&](const ColumnPlan& c) {
    return !c.min_age || birthday_at(person.birth_year, person.birth_month, person.birth_day, *c.min_age) <= latest_of(c);
  });
}

void date_as_newest_rows(const MappingPlan& plan, std::vector<TableRow>& rows, std::int64_t now, FastRng& rng) {
  for (std::size_t i = 0; i < plan.columns.size(); ++i) {
    const ColumnPlan& c = plan.columns[i];
    // A table in its newest-first order has its rows added at the end all the same: no
    // time there agrees with both neighbours, and the drawn one stays.
    if (!c.grows || c.newest_first) continue;
    // Arrivals at the table's pace: exponential gaps of mean seconds_per_row (at least a
    // second), in row order.
    std::vector<std::int64_t> times;
    double t = static_cast<double>(c.newest);
    const double mean = std::max(c.seconds_per_row, 1.0);
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const double u = (static_cast<double>(rng.next_u64() >> 11) + 0.5) / 9007199254740992.0;  // (0, 1)
      t += std::max(1.0, -mean * std::log(u));
      times.push_back(static_cast<std::int64_t>(t));
    }
    // Rows dated after the plant would be from the future: squeeze them in before now.
    if (!times.empty() && times.back() > now && c.newest < now) {
      const double scale = static_cast<double>(now - c.newest) / static_cast<double>(times.back() - c.newest);
      for (auto& x : times) x = c.newest + static_cast<std::int64_t>(static_cast<double>(x - c.newest) * scale);
    }
    for (std::size_t r = 0; r < rows.size(); ++r) {
      if (i < rows[r].size() && rows[r][i] && !rows[r][i]->empty()) {
        rows[r][i] = format_seconds(c.profile.date_format.c_str(), times[r]);
      }
    }
  }
  // The columns that follow the growing ones, again from their new values.
  for (TableRow& row : rows) settle_followers(plan, row, rng);
}

}  // namespace canarytrap
