// What a table's people are like, for drawing canaries like them: when they were born, how
// many are men, where they live and of which ethnic groups (MappingPlan::birth_days,
// male_share, regions, ethnicities; GeneratorOptions passes them on), and how it writes
// names, addresses, provinces and ethnic groups (ColumnPlan::pinyin, address_form,
// short_province_names, ethnicity_form).
//
// A fake person is 18 to 80 and lives anywhere in the country, by population; a table of
// students, pensioners or one city's patients is nothing like that, and a filter on the
// birth year or the province alone would pick out most canaries. Private to the plant
// module.
//
//   learn_table_people(plan, sample, locale);   // once, in plan_columns()
#pragma once

#include <optional>
#include <string_view>

#include "canarytrap/fake/person.h"
#include "canarytrap/plant/column_plan.h"

namespace canarytrap {

void learn_table_people(MappingPlan& plan, const TableSample& sample, Locale locale);

// A province's short name, as many tables write it: 上海 for 上海市, 广西 for 广西壮族自治区,
// 内蒙古 for 内蒙古自治区; `full` itself if it has none of those endings.
std::string short_province_name(std::string_view full);

// A zh_CN ethnic group's full name (汉族) as a column of that form writes it: 汉, 01, 1, HA.
std::string ethnicity_in_form(std::string_view name, ColumnPlan::EthnicityForm form);

// The gender a gender column's value stands for (男, F, female, 1 and 2 as GB/T 2261.1 has
// them, 0 for female where 1 is male); nullopt for anything else.
std::optional<Gender> gender_of(std::string_view value);

}  // namespace canarytrap
