#include "table_people.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <string>

#include "dates.h"

namespace canarytrap {

namespace {

// Fewer values than this show no shape worth copying.
constexpr std::size_t kMinValues = 20;

// A resident ID of 18 characters whose first 17 are digits.
bool resident_id_shaped(std::string_view v) {
  return v.size() == 18 && std::all_of(v.begin(), v.begin() + 17, [](char c) { return c >= '0' && c <= '9'; });
}

// The sampled people's births (MappingPlan::birth_days): from the birth date column, else
// from resident ID numbers (their 7th to 14th characters, %Y%m%d).
void learn_births(MappingPlan& plan, const TableSample& sample) {
  for (const PersonField field : {PersonField::kBirthDate, PersonField::kIdNumber}) {
    for (std::size_t i = 0; i < plan.columns.size(); ++i) {
      ColumnPlan& c = plan.columns[i];
      if (c.kind != ColumnPlan::Kind::kField || c.field != field) continue;
      if (field == PersonField::kBirthDate && c.profile.date_format.empty()) continue;
      std::vector<std::int32_t> days;
      for (const TableRow& row : sample.rows) {
        if (i >= row.size() || !row[i]) continue;
        const std::string_view v = *row[i];
        const auto t = field == PersonField::kBirthDate
                           ? table_dates::date_seconds(v, c.profile.date_format.c_str())
                           : (resident_id_shaped(v) ? table_dates::date_seconds(v.substr(6, 8), "%Y%m%d") : std::nullopt);
        if (t) days.push_back(static_cast<std::int32_t>(*t >= 0 ? *t / 86'400 : -((-*t + 86'399) / 86'400)));
      }
      if (days.size() >= kMinValues) {
        plan.birth_days = std::move(days);
        c.people_learned.push_back("births near the table's");
        return;
      }
    }
  }
}

// The share of men among the sampled people (MappingPlan::male_share): from the gender
// column, else from the parity of resident IDs' 17th digit (odd for men).
void learn_male_share(MappingPlan& plan, const TableSample& sample) {
  for (const PersonField field : {PersonField::kGender, PersonField::kIdNumber}) {
    for (std::size_t i = 0; i < plan.columns.size(); ++i) {
      ColumnPlan& c = plan.columns[i];
      if (c.kind != ColumnPlan::Kind::kField || c.field != field) continue;
      std::size_t men = 0, known = 0;
      for (const TableRow& row : sample.rows) {
        if (i >= row.size() || !row[i]) continue;
        std::optional<Gender> g;
        if (field == PersonField::kGender) {
          g = gender_of(*row[i]);
        } else if (resident_id_shaped(*row[i])) {
          g = ((*row[i])[16] - '0') % 2 == 1 ? Gender::kMale : Gender::kFemale;
        }
        if (!g) continue;
        ++known;
        men += *g == Gender::kMale;
      }
      if (known >= kMinValues) {
        plan.male_share = static_cast<double>(men) / static_cast<double>(known);
        c.people_learned.push_back("men and women as the table's");
        return;
      }
    }
  }
}

// Where the sampled people live (MappingPlan::regions): the division codes starting their
// resident IDs, else the province column's values, else the state column's; only those the
// generator knows.
void learn_regions(MappingPlan& plan, const TableSample& sample, Locale locale) {
  for (const PersonField field : {PersonField::kIdNumber, PersonField::kProvince, PersonField::kState}) {
    for (std::size_t i = 0; i < plan.columns.size(); ++i) {
      ColumnPlan& c = plan.columns[i];
      if (c.kind != ColumnPlan::Kind::kField || c.field != field) continue;
      std::vector<std::string> regions;
      for (const TableRow& row : sample.rows) {
        if (i >= row.size() || !row[i]) continue;
        std::string_view v = *row[i];
        if (field == PersonField::kIdNumber) {
          if (!resident_id_shaped(v)) continue;
          v = v.substr(0, 6);
        }
        if (is_known_region(locale, v)) regions.emplace_back(v);
      }
      if (regions.size() >= kMinValues) {
        plan.regions = std::move(regions);
        c.people_learned.push_back("places as the table's");
        return;
      }
    }
  }
}

}  // namespace

void learn_table_people(MappingPlan& plan, const TableSample& sample, Locale locale) {
  learn_births(plan, sample);
  learn_male_share(plan, sample);
  learn_regions(plan, sample, locale);
}

std::optional<Gender> gender_of(std::string_view value) {
  std::string v;
  for (const unsigned char c : value) v += static_cast<char>(std::tolower(c));
  static const std::set<std::string, std::less<>> kMale = {"m", "male", "man", "男", "1"};
  static const std::set<std::string, std::less<>> kFemale = {"f", "female", "woman", "女", "2", "0"};
  if (kMale.contains(v)) return Gender::kMale;
  if (kFemale.contains(v)) return Gender::kFemale;
  return std::nullopt;
}

}  // namespace canarytrap
