// Dates in a canary row that agree with one another and with the table's order as the
// neighbours' do.
//
// Drawn each on its own, a canary's updated_at could fall before its created_at, which no
// real row shows and a one-line query finds; and in a table appended to for years, a new
// row dated 2016 after rows of 2024 stands out as much. learn_time_order() finds the
// profiled date columns that never come before another in the sample (ColumnPlan::follows,
// gaps) and those that grow with the sample's order (ColumnPlan::grows). apply_time_order()
// draws a growing column's value within the table's span and rewrites a following column as
// the earlier one's value plus a gap seen in the sample. date_as_newest_rows() then gives
// rows a database will add after its newest the times such rows would have. Beside a birth
// date, a date column also keeps the youngest age the sample shows at it (ColumnPlan::
// min_age; MappingPlan::old_enough() is defined here too). Private to the plant module.
//
//   learn_time_order(plan, sample);                     // once, in plan_columns()
//   apply_time_order(plan, person, row, rng);           // each row, in MappingPlan::fill()
//   date_as_newest_rows(plan, rows, now, rng);          // a database's rows, in insert order
#pragma once

#include "canarytrap/fake/fast_rng.h"
#include "canarytrap/plant/column_plan.h"

namespace canarytrap {

void learn_time_order(MappingPlan& plan, const TableSample& sample);
void apply_time_order(const MappingPlan& plan, const Person& person, TableRow& row, FastRng& rng);
// Growing columns of `rows`, in order: after the column's newest, `seconds_per_row` apart
// on average, and never after `now` (Unix seconds) unless the newest already is; their
// following columns again from them.
void date_as_newest_rows(const MappingPlan& plan, std::vector<TableRow>& rows, std::int64_t now, FastRng& rng);

}  // namespace canarytrap
