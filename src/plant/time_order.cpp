#include "time_order.h"

#include <algorithm>

#include "dates.h"

namespace canarytrap {

using table_dates::date_seconds;
using table_dates::format_seconds;

namespace {

// Fewer rows with both dates than this prove no order.
constexpr std::size_t kMinPairs = 10;

bool orderable(const ColumnPlan& c) {
  return c.kind == ColumnPlan::Kind::kProfiled && !c.profile.date_format.empty() && !c.column.references &&
         !c.column.unique;  // a unique cell is drawn again on a clash, after the row was filled
}

std::optional<std::int64_t> seconds_of(const Cell& cell, const ColumnPlan& c) {
  if (!cell || cell->empty()) return std::nullopt;
  return date_seconds(*cell, c.profile.date_format.c_str());
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
}

void apply_time_order(const MappingPlan& plan, TableRow& row, FastRng& rng) {
  // A column follows at most one other and the relation has no cycle (a row where one is
  // later breaks the reverse order; equal columns follow the earlier one), so settling
  // each column's chain first, depth-first, gives every column its final value.
  std::vector<char> settled(plan.columns.size(), 0);
  const auto settle = [&](auto&& self, std::size_t i) -> void {
    if (settled[i]) return;
    settled[i] = 1;
    const ColumnPlan& c = plan.columns[i];
    if (!c.follows || c.gaps.empty() || i >= row.size() || *c.follows >= row.size()) return;
    self(self, *c.follows);
    const ColumnPlan& base = plan.columns[*c.follows];
    const auto t = seconds_of(row[*c.follows], base);
    if (!t || !row[i] || row[i]->empty()) return;  // no date to follow, or this one left empty
    const std::int64_t gap = c.gaps[rng.uniform(static_cast<std::uint32_t>(c.gaps.size()))];
    row[i] = format_seconds(c.profile.date_format.c_str(), *t + gap);
  };
  for (std::size_t i = 0; i < plan.columns.size(); ++i) settle(settle, i);
}

}  // namespace canarytrap
