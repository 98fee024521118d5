#include "table_people.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <set>
#include <string>

#include "dates.h"
#include "fake/tables.h"

namespace canarytrap {

namespace {

// Fewer values than this show no shape worth copying.
constexpr std::size_t kMinValues = 20;

// A resident ID of 18 characters whose first 17 are digits.
bool resident_id_shaped(std::string_view v) {
  return v.size() == 18 && std::all_of(v.begin(), v.begin() + 17, [](char c) { return c >= '0' && c <= '9'; });
}

// Birth days (since 1970) of people of the sampled ages on the plan's date, each half a year
// past a birthday (the generator spreads them over the year).
std::vector<std::int32_t> births_from_ages(const MappingPlan& plan, const TableSample& sample, std::size_t column) {
  using namespace std::chrono;
  const auto today =
      sys_days{year{plan.today_year} / plan.today_month / plan.today_day}.time_since_epoch().count();
  std::vector<std::int32_t> days;
  for (const TableRow& row : sample.rows) {
    if (column >= row.size() || !row[column] || row[column]->empty() || row[column]->size() > 3) continue;
    const std::string& v = *row[column];
    if (!std::all_of(v.begin(), v.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) continue;
    const int age = std::stoi(v);
    if (age > 120) continue;
    days.push_back(static_cast<std::int32_t>(today - static_cast<std::int64_t>((age + 0.5) * 365.2425)));
  }
  return days;
}

// The sampled people's births (MappingPlan::birth_days): from the birth date column, else
// from resident ID numbers (their 7th to 14th characters, %Y%m%d), else from an age column.
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
  for (std::size_t i = 0; i < plan.columns.size(); ++i) {
    ColumnPlan& c = plan.columns[i];
    if (c.kind != ColumnPlan::Kind::kAge) continue;
    auto days = births_from_ages(plan, sample, i);
    if (days.size() >= kMinValues) {
      plan.birth_days = std::move(days);
      c.people_learned.push_back("ages as the table's");
      return;
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

// A name in Latin letters (spaces, commas, dots, hyphens and apostrophes between them).
bool latin_name(std::string_view v) {
  bool letter = false;
  for (const char ch : v) {
    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')) {
      letter = true;
    } else if (ch != ' ' && ch != ',' && ch != '.' && ch != '-' && ch != '\'') {
      return false;
    }
  }
  return letter;
}

std::string lower_ascii(std::string_view v) {
  std::string out(v);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

// The name columns of a zh_CN table whose values are mostly pinyin (ColumnPlan::pinyin):
// the case, the separator and the order of family and given name most sampled values have.
void learn_pinyin(MappingPlan& plan, const TableSample& sample, Locale locale) {
  if (locale != Locale::kZhCN) return;
  static const std::set<std::string, std::less<>> kSurnames = [] {
    std::set<std::string, std::less<>> s;
    for (const auto& part : fake::zh_tables().surnames) s.emplace(part.pinyin);
    return s;
  }();
  for (std::size_t i = 0; i < plan.columns.size(); ++i) {
    ColumnPlan& c = plan.columns[i];
    if (c.kind != ColumnPlan::Kind::kField ||
        (c.field != PersonField::kName && c.field != PersonField::kFirstName && c.field != PersonField::kLastName)) {
      continue;
    }
    std::size_t values = 0, latin = 0, upper = 0, lower = 0, family_first = 0, given_first = 0;
    std::map<std::string, std::size_t> separators;
    for (const TableRow& row : sample.rows) {
      if (i >= row.size() || !row[i] || row[i]->empty()) continue;
      const std::string_view v = *row[i];
      ++values;
      if (!latin_name(v)) continue;
      ++latin;
      upper += std::none_of(v.begin(), v.end(), [](char ch) { return ch >= 'a' && ch <= 'z'; });
      lower += std::none_of(v.begin(), v.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; });
      if (c.field != PersonField::kName) continue;
      const std::size_t comma = v.find(','), space = v.find(' ');
      const std::size_t at = comma != std::string_view::npos ? comma : space;
      std::string separator;
      if (at != std::string_view::npos) {
        separator = comma != std::string_view::npos ? (v.substr(comma, 2) == ", " ? ", " : ",") : " ";
        const bool first = kSurnames.contains(lower_ascii(v.substr(0, at)));
        const bool last = kSurnames.contains(lower_ascii(v.substr(at + separator.size())));
        family_first += first && !last;
        given_first += last && !first;
      }
      ++separators[separator];
    }
    if (values < kMinValues || latin * 10 < values * 8) continue;
    PinyinForm form;
    form.letter_case = upper * 2 > latin ? PinyinForm::Case::kUpper
                       : lower * 2 > latin ? PinyinForm::Case::kLower
                                           : PinyinForm::Case::kTitle;
    if (!separators.empty()) {
      form.separator = std::max_element(separators.begin(), separators.end(),
                                        [](const auto& a, const auto& b) { return a.second < b.second; })
                           ->first;
    }
    form.family_first = family_first >= given_first;
    c.pinyin = form;
  }
}

// Whether `v` ends as an en_US address's locality does: ", TX 75125" (or 75125-1234).
bool ends_in_state_and_zip(std::string_view v) {
  const auto digits = [](std::string_view d) { return std::all_of(d.begin(), d.end(), [](char ch) { return ch >= '0' && ch <= '9'; }); };
  if (v.size() >= 5 + 5 && v[v.size() - 5] == '-' && digits(v.substr(v.size() - 4))) v.remove_suffix(5);
  if (v.size() < 10 || !digits(v.substr(v.size() - 5)) || v[v.size() - 6] != ' ') return false;
  const std::string_view state = v.substr(v.size() - 8, 2);
  return std::all_of(state.begin(), state.end(), [](char ch) { return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z'); }) &&
         (v[v.size() - 9] == ' ' || v[v.size() - 9] == ',');
}

// An address column's form (ColumnPlan::address_form): zh_CN, whether most sampled
// addresses start with a province's name, then (after it, if there) with a city's, and
// else at least with a district's; en_US, whether most end in a state and ZIP.
void learn_address_form(MappingPlan& plan, const TableSample& sample, Locale locale) {
  const auto& t = fake::zh_tables();
  static const std::set<std::string_view, std::less<>> kCities = [&t] {
    std::set<std::string_view, std::less<>> s;
    for (const auto& county : t.counties) s.insert(county.city);
    return s;
  }();
  static const std::set<std::string_view, std::less<>> kDistricts = [&t] {
    std::set<std::string_view, std::less<>> s;
    for (const auto& county : t.counties) s.insert(county.self.name);
    return s;
  }();
  const auto starts_with_one_of = [](std::string_view v, const auto& names) -> std::size_t {
    for (const auto& name : names) {
      const std::string_view n = name;
      if (v.substr(0, n.size()) == n) return n.size();
    }
    return 0;
  };
  std::vector<std::string_view> provinces;
  for (const auto& p : t.provinces) provinces.push_back(p.self.name);
  for (std::size_t i = 0; i < plan.columns.size(); ++i) {
    ColumnPlan& c = plan.columns[i];
    if (c.kind != ColumnPlan::Kind::kField || c.field != PersonField::kAddress) continue;
    std::size_t values = 0, with_province = 0, with_city = 0, with_district = 0, with_locality = 0;
    for (const TableRow& row : sample.rows) {
      if (i >= row.size() || !row[i] || row[i]->empty()) continue;
      std::string_view v = *row[i];
      ++values;
      if (locale == Locale::kEnUS) {
        with_locality += ends_in_state_and_zip(v);
        continue;
      }
      const std::size_t province = starts_with_one_of(v, provinces);
      with_province += province > 0;
      v.remove_prefix(province);
      const std::size_t city = starts_with_one_of(v, kCities);
      with_city += city > 0;
      v.remove_prefix(city);
      with_district += starts_with_one_of(v, kDistricts) > 0;
    }
    if (values < kMinValues) continue;
    ColumnPlan::AddressForm form;
    if (locale == Locale::kEnUS) {
      form.locality = with_locality * 2 >= values;
    } else {
      form.province = with_province * 2 >= values;
      form.city = with_city * 2 >= values;
      // Addresses that start with none of the three (河北石家庄…, 中国河北省…, or the street
      // alone) are a form not understood here: written as generated.
      if (!form.province && !form.city && with_district * 2 < values) continue;
    }
    // Only a form other than the generated one needs saying.
    if (!form.province || !form.city || !form.locality) c.address_form = form;
  }
}

// A zh_CN province column written in short names (ColumnPlan::short_province_names): more
// sampled values a province's short name than its full one.
void learn_province_names(MappingPlan& plan, const TableSample& sample, Locale locale) {
  if (locale != Locale::kZhCN) return;
  const auto& t = fake::zh_tables();
  for (std::size_t i = 0; i < plan.columns.size(); ++i) {
    ColumnPlan& c = plan.columns[i];
    if (c.kind != ColumnPlan::Kind::kField || c.field != PersonField::kProvince) continue;
    std::size_t full = 0, short_names = 0;
    for (const TableRow& row : sample.rows) {
      if (i >= row.size() || !row[i]) continue;
      const auto p = fake::province_named(t, *row[i]);
      if (!p) continue;
      const std::string_view name = t.provinces[*p].self.name;
      full += name == *row[i];
      short_names += name != *row[i] && short_province_name(name) == *row[i];
    }
    c.short_province_names = short_names > full;
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

// The sampled people's ethnic groups (MappingPlan::ethnicities) and the form the column
// writes them in (ColumnPlan::ethnicity_form): the form most recognised values have.
void learn_ethnicities(MappingPlan& plan, const TableSample& sample, Locale locale) {
  if (locale != Locale::kZhCN) return;
  using Form = ColumnPlan::EthnicityForm;
  const auto& t = fake::zh_tables();
  for (std::size_t i = 0; i < plan.columns.size(); ++i) {
    ColumnPlan& c = plan.columns[i];
    if (c.kind != ColumnPlan::Kind::kField || c.field != PersonField::kEthnicity) continue;
    std::vector<std::string> groups;
    std::map<Form, std::size_t> forms;
    for (const TableRow& row : sample.rows) {
      if (i >= row.size() || !row[i]) continue;
      const std::string& v = *row[i];
      const auto group = fake::ethnicity_named(t, v);
      if (!group) continue;
      const fake::Ethnicity& e = t.ethnicities[*group];
      groups.emplace_back(e.name);
      const bool digits = std::isdigit(static_cast<unsigned char>(v[0])) != 0;
      const Form form = v == e.name                                  ? Form::kName
                        : v == fake::short_ethnicity_name(e.name) ? Form::kShort
                        : v == e.code                             ? Form::kCode
                        : digits                                  ? Form::kNumber
                                                                  : Form::kLetters;
      ++forms[form];
    }
    if (groups.size() < kMinValues) continue;
    c.ethnicity_form =
        std::max_element(forms.begin(), forms.end(), [](const auto& a, const auto& b) { return a.second < b.second; })->first;
    plan.ethnicities = std::move(groups);
    c.people_learned.push_back("ethnic groups as the table's");
    return;
  }
}

// The longest name the generator writes the Turkic way, in characters (three bytes each):
// the longest own name, the dot, the longest father's name.
std::size_t longest_turkic_name() {
  const auto& t = fake::zh_tables();
  std::size_t own = 0, father = 0;
  for (const auto* names : {&t.turkic_male, &t.turkic_female}) {
    for (const auto& n : *names) own = std::max(own, n.text.size() / 3);
  }
  for (const auto& n : t.turkic_male) father = std::max(father, n.text.size() / 3);
  return own + 1 + father;
}

// Whether the name column writes names the Turkic way (MappingPlan::turkic_names: own name,
// middle dot, father's name, in a column that can hold the longest the generator writes) or
// the Tibetan way (tibetan_names: led by a Tibetan name element, 扎西多吉), each when at least
// 2 sampled names are.
void learn_native_names(MappingPlan& plan, const TableSample& sample, Locale locale) {
  if (locale != Locale::kZhCN) return;
  const auto& t = fake::zh_tables();
  const auto tibetan = [&t](std::string_view name) {
    for (const auto* elements : {&t.tibetan_male, &t.tibetan_female}) {
      for (const auto& e : *elements) {
        if (name.size() > e.text.size() && name.substr(0, e.text.size()) == e.text) return true;
      }
    }
    return false;
  };
  for (std::size_t i = 0; i < plan.columns.size(); ++i) {
    ColumnPlan& c = plan.columns[i];
    if (c.kind != ColumnPlan::Kind::kField || c.field != PersonField::kName) continue;
    std::size_t dotted = 0, tibetan_led = 0;
    for (const TableRow& row : sample.rows) {
      if (i >= row.size() || !row[i]) continue;
      dotted += row[i]->find("·") != std::string::npos;
      tibetan_led += tibetan(*row[i]);
    }
    if (dotted >= 2 && !(c.column.max_length && *c.column.max_length < longest_turkic_name())) {
      plan.turkic_names = true;
      c.people_learned.push_back("Turkic names (艾尔肯·买买提) as the table's");
    }
    if (tibetan_led >= 2) {
      plan.tibetan_names = true;
      c.people_learned.push_back("Tibetan names (扎西多吉) as the table's");
    }
    return;
  }
}

}  // namespace

void learn_table_people(MappingPlan& plan, const TableSample& sample, Locale locale) {
  learn_births(plan, sample);
  learn_male_share(plan, sample);
  learn_regions(plan, sample, locale);
  learn_pinyin(plan, sample, locale);
  learn_address_form(plan, sample, locale);
  learn_province_names(plan, sample, locale);
  learn_ethnicities(plan, sample, locale);
  learn_native_names(plan, sample, locale);
}

std::string ethnicity_in_form(std::string_view name, ColumnPlan::EthnicityForm form) {
  using Form = ColumnPlan::EthnicityForm;
  if (form == Form::kName) return std::string(name);
  if (form == Form::kShort) return std::string(fake::short_ethnicity_name(name));
  const auto& t = fake::zh_tables();
  const auto group = fake::ethnicity_named(t, name);
  if (!group) return std::string(name);
  const fake::Ethnicity& e = t.ethnicities[*group];
  if (form == Form::kLetters) return std::string(e.letters);
  if (form == Form::kNumber && e.code.front() == '0') return std::string(e.code.substr(1));
  return std::string(e.code);
}

std::string short_province_name(std::string_view full) {
  for (const std::string_view ending : {"壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "省", "市"}) {
    if (full.size() > ending.size() && full.substr(full.size() - ending.size()) == ending) {
      return std::string(full.substr(0, full.size() - ending.size()));
    }
  }
  return std::string(full);
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
