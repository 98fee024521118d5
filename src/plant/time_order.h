// Dates in a canary row that agree with one another as the neighbours' do.
//
// Drawn each on its own, a canary's updated_at could fall before its created_at, which no
// real row shows and a one-line query finds. learn_time_order() finds the profiled date
// columns that never come before another in the sample (sets ColumnPlan::follows and gaps);
// apply_time_order() then rewrites such a column of a filled row as the earlier column's
// value plus a gap seen in the sample. Private to the plant module.
//
//   learn_time_order(plan, sample);          // once, in plan_columns()
//   apply_time_order(plan, row, rng);        // each row, in MappingPlan::fill()
#pragma once

#include "canarytrap/fake/fast_rng.h"
#include "canarytrap/plant/column_plan.h"

namespace canarytrap {

void learn_time_order(MappingPlan& plan, const TableSample& sample);
void apply_time_order(const MappingPlan& plan, TableRow& row, FastRng& rng);

}  // namespace canarytrap
