#include "canarytrap/plant/column_plan.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "dates.h"
#include "fake/tables.h"
#include "table_people.h"
#include "time_order.h"

namespace canarytrap::data {
extern const std::string_view plant_column_synonyms_tsv;
}

namespace canarytrap {

namespace {

std::string normalize_column_name(std::string_view name) {
  std::string out;
  for (unsigned char c : name) {
    if (c == ' ' || c == '-') {
      out += '_';
    } else {
      out += static_cast<char>(std::tolower(c));
    }
  }
  return out;
}

// The field a column name maps to; nullopt for an age column (kAgeField in the data file).
using Synonym = std::optional<PersonField>;
constexpr std::string_view kAgeField = "age";

const std::map<std::string, Synonym>& synonyms() {
  static const std::map<std::string, Synonym> table = [] {
    std::map<std::string, Synonym> t;
    for (const auto& row : fake::parse_tsv(data::plant_column_synonyms_tsv)) {
      const Synonym field = row[0] == kAgeField ? Synonym() : Synonym(*parse_person_field(row[0]));
      std::string_view names = row[1];
      while (!names.empty()) {
        const auto comma = names.find(',');
        t.emplace(normalize_column_name(names.substr(0, comma)), field);
        if (comma == std::string_view::npos) break;
        names.remove_prefix(comma + 1);
      }
    }
    return t;
  }();
  return table;
}

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// The last run of digits in `v`: [start, end), or start == end when there is none.
std::pair<std::size_t, std::size_t> last_digit_run(std::string_view v) {
  std::size_t end = v.size();
  while (end > 0 && !std::isdigit(static_cast<unsigned char>(v[end - 1]))) --end;
  std::size_t start = end;
  while (start > 0 && std::isdigit(static_cast<unsigned char>(v[start - 1]))) --start;
  return {start, end};
}

// The digit form of a profile's examples (see ColumnProfile::digit_form), and whether their
// letters are lower-case.
void learn_digit_form(ColumnProfile& p) {
  std::map<std::string, std::vector<const std::string*>> by_shape;  // '#' for each digit
  std::size_t with_letters = 0, lower = 0, shaped = 0;
  for (const auto& e : p.examples) {
    bool letters = false, upper = false;
    std::string shape = e;
    for (char& ch : shape) {
      const auto u = static_cast<unsigned char>(ch);
      if (std::isdigit(u)) ch = '#';
      letters = letters || std::isalpha(u);
      upper = upper || std::isupper(u);
    }
    with_letters += letters;
    lower += letters && !upper;
    if (letters || shape.find('#') == std::string::npos) continue;
    ++shaped;
    by_shape[shape].push_back(&e);
  }
  p.lower_case_letters = with_letters > 0 && lower == with_letters;
  const std::vector<const std::string*>* best = nullptr;
  for (const auto& [shape, values] : by_shape) {
    if (best == nullptr || values.size() > best->size()) best = &values;
  }
  if (best == nullptr || best->size() * 2 < shaped) return;
  p.digit_form = *best->front();
  // Leading digits every value of the form has alike.
  for (std::size_t i = 0; i < p.digit_form.size(); ++i) {
    const char ch = p.digit_form[i];
    if (ch < '0' || ch > '9') continue;
    if (!std::all_of(best->begin(), best->end(), [&](const std::string* v) { return (*v)[i] == ch; })) break;
    ++p.digit_form_fixed;
  }
}

}  // namespace

ColumnProfile ColumnProfile::build(const std::vector<Cell>& cells) {
  ColumnProfile p;
  p.empty_table = cells.empty();
  if (cells.empty()) return p;
  std::size_t nulls = 0;
  std::map<std::string, std::size_t> counts;
  bool first = true, all_digits = true;
  std::vector<bool> date_ok(std::size(table_dates::kDateShapes), true);
  for (const Cell& c : cells) {
    if (!c || c->empty()) {
      ++nulls;
      continue;
    }
    const std::size_t len = utf8_length(*c);
    p.min_length = first ? len : std::min(p.min_length, len);
    p.max_length = std::max(p.max_length, len);
    first = false;
    all_digits = all_digits && std::all_of(c->begin(), c->end(), [](char ch) { return ch >= '0' && ch <= '9'; });
    for (std::size_t i = 0; i < std::size(table_dates::kDateShapes); ++i) {
      date_ok[i] = date_ok[i] && table_dates::matches_date(*c, table_dates::kDateShapes[i]);
    }
    ++counts[*c];
  }
  const std::size_t present = cells.size() - nulls;
  p.null_rate = static_cast<double>(nulls) / static_cast<double>(cells.size());
  if (present == 0) return p;
  p.digits = all_digits;
  for (std::size_t i = 0; i < std::size(table_dates::kDateShapes); ++i) {
    if (!date_ok[i]) continue;
    p.date_format = table_dates::kDateShapes[i].format;
    // %m and %d are two characters standing for two digits, so the year sits in the value
    // where %Y sits in the format.
    const std::size_t offset = std::string_view(table_dates::kDateShapes[i].format).find("%Y");
    for (const Cell& c : cells) {
      if (!c || c->empty()) continue;
      const int y = std::stoi(c->substr(offset, 4));
      p.min_year = p.min_year == 0 ? y : std::min(p.min_year, y);
      p.max_year = std::max(p.max_year, y);
    }
    break;
  }
  // Low cardinality: few distinct values, each seen more than once on average.
  if (counts.size() <= 20 && present >= 2 * counts.size()) {
    for (const auto& [value, n] : counts) p.value_set.insert(p.value_set.end(), n, value);
  }
  bool numbered = false;
  for (const Cell& c : cells) {
    if (!c || c->empty()) continue;
    if (p.examples.size() < 50) p.examples.push_back(*c);
    const auto n = trailing_number(*c);
    if (!n) continue;
    p.first_number = numbered ? std::min(p.first_number, *n) : *n;
    p.last_number = numbered ? std::max(p.last_number, *n) : *n;
    const auto [s, t] = last_digit_run(*c);
    p.numbers_padded = p.numbers_padded || (t - s > 1 && (*c)[s] == '0');
    numbered = true;
  }
  learn_digit_form(p);
  // Positions where values all as long show at most 4 characters: a UUID's version and
  // variant. Told only from enough of them.
  const std::size_t width = p.examples.front().size();
  if (p.examples.size() >= 16 &&
      std::all_of(p.examples.begin(), p.examples.end(), [&](const std::string& e) { return e.size() == width; })) {
    p.steady_positions.assign(width, false);
    for (std::size_t i = 0; i < width; ++i) {
      std::set<char> seen;
      for (const auto& e : p.examples) seen.insert(e[i]);
      p.steady_positions[i] = seen.size() <= 4;
    }
  }
  return p;
}

std::string ColumnProfile::describe() const {
  if (empty_table) return "no rows to learn from";
  if (null_rate >= 1) return "always empty";
  std::string d;
  if (!value_set.empty()) {
    std::set<std::string> distinct(value_set.begin(), value_set.end());
    d = "one of {";
    for (const auto& v : distinct) d += (d.size() > 8 ? ", " : "") + v;
    d += "}";
  } else if (!date_format.empty()) {
    d = "dates like " + date_format;
  } else if (digits) {
    d = std::to_string(min_length) + "-" + std::to_string(max_length) + " digits";
  } else {
    d = "text of " + std::to_string(min_length) + "-" + std::to_string(max_length) + " characters";
  }
  if (null_rate > 0) d += ", " + std::to_string(static_cast<int>(null_rate * 100 + 0.5)) + "% empty";
  return d;
}

std::string ColumnPlan::describe() const {
  switch (kind) {
    case Kind::kDatabaseAssigned: return "assigned by the database";
    case Kind::kAge: {
      std::string d = "<- age (from birth_date, on the plant's date)";
      for (const auto& learned : people_learned) d += ", " + learned;
      return d;
    }
    case Kind::kField: {
      std::string d = "<- " + std::string(field_name(field));
      if (!profile.date_format.empty() && field == PersonField::kBirthDate) d += " as " + profile.date_format;
      if (field == PersonField::kGender && !profile.examples.empty()) {
        std::set<std::string> seen(profile.examples.begin(), profile.examples.end());
        d += " as one of {";
        for (const auto& v : seen) d += (d.back() == '{' ? "" : ", ") + v;
        d += "}";
      }
      if (short_province_names) d += " in short (上海, 广西)";
      switch (ethnicity_form) {
        case EthnicityForm::kName: break;
        case EthnicityForm::kShort: d += " in short (汉, 维吾尔)"; break;
        case EthnicityForm::kCode: d += " as GB/T 3304 codes (01)"; break;
        case EthnicityForm::kNumber: d += " as GB/T 3304 numbers (1)"; break;
        case EthnicityForm::kLetters: d += " as GB/T 3304 letters (HA)"; break;
      }
      if (address_form && !address_form->locality) d += " as the street alone";
      if (address_form && address_form->locality) {
        d += std::string(" as ") + (address_form->province ? "province, " : "") + (address_form->city ? "city, " : "") +
             "district, street";
      }
      if (pinyin) {
        d += " in pinyin like " + pinyin->write("zhang", "jiayi", field == PersonField::kLastName    ? 1
                                                                  : field == PersonField::kFirstName ? 2
                                                                                                     : 0);
      }
      for (const auto& learned : people_learned) d += ", " + learned;
      return d;
    }
    case Kind::kProfiled:
      return "profiled: " + profile.describe() + (column.unique && !column.references ? ", each value new" : "") +
             (follows ? ", never before " + follows_column : "") + (grows ? (newest_first ? ", newest first" : ", growing with the rows' order") : "") +
             (min_age ? ", from age " + std::to_string(*min_age) : "");
  }
  return "";
}

std::string PinyinForm::write(std::string_view family, std::string_view given, int part) const {
  const auto cased = [&](std::string_view word) {
    std::string out(word);
    for (std::size_t i = 0; i < out.size(); ++i) {
      const auto ch = static_cast<unsigned char>(out[i]);
      const bool upper = letter_case == Case::kUpper || (letter_case == Case::kTitle && i == 0);
      out[i] = static_cast<char>(upper ? std::toupper(ch) : std::tolower(ch));
    }
    return out;
  };
  if (part == 1) return cased(family);
  if (part == 2) return cased(given);
  return family_first ? cased(family) + separator + cased(given) : cased(given) + separator + cased(family);
}

bool MappingPlan::has_field(PersonField f) const {
  return std::any_of(columns.begin(), columns.end(),
                     [&](const ColumnPlan& c) { return c.kind == ColumnPlan::Kind::kField && c.field == f; });
}

namespace {

// `digits` in the profile's digit form, where it has room for exactly them (a phone's may be
// a fixed prefix longer: +86, +1); nullopt where it has not.
std::optional<std::string> in_digit_form(const ColumnProfile& profile, std::string_view digits, bool allow_prefix) {
  const std::string& form = profile.digit_form;
  const auto k = static_cast<std::size_t>(std::count_if(form.begin(), form.end(), [](char ch) { return ch >= '0' && ch <= '9'; }));
  if (form.empty() || k < digits.size() || (k > digits.size() && (!allow_prefix || k - digits.size() > profile.digit_form_fixed))) {
    return std::nullopt;
  }
  std::string out = form;
  std::size_t kept = k - digits.size(), next = 0;
  for (char& ch : out) {
    if (ch < '0' || ch > '9') continue;
    if (kept > 0) {
      --kept;
    } else {
      ch = digits[next++];
    }
  }
  return out;
}

Cell fill_field(const ColumnPlan& c, const Person& p) {
  const std::string& value = p[c.field];
  if (c.address_form && c.field == PersonField::kAddress && !c.address_form->locality) return p[PersonField::kStreet];
  if (c.address_form && c.field == PersonField::kAddress && !p[PersonField::kDistrict].empty() &&
      value.find(p[PersonField::kDistrict]) != std::string::npos) {
    // What follows the district is the street; a municipality (上海市) is its own city.
    const std::string& province = p[PersonField::kProvince];
    const std::string& city = p[PersonField::kCity];
    const std::string tail = value.substr(value.find(p[PersonField::kDistrict]));
    std::string out;
    if (city == province) {
      if (c.address_form->province || c.address_form->city) out = province;
    } else {
      if (c.address_form->province) out = province;
      if (c.address_form->city) out += city;
    }
    return out + tail;
  }
  if (c.short_province_names && c.field == PersonField::kProvince) return short_province_name(value);
  if (c.field == PersonField::kEthnicity && c.ethnicity_form != ColumnPlan::EthnicityForm::kName) {
    return ethnicity_in_form(value, c.ethnicity_form);
  }
  if (c.pinyin && !p.family_latin.empty()) {
    if (c.field == PersonField::kName) return c.pinyin->write(p.family_latin, p.given_latin);
    if (c.field == PersonField::kLastName) return c.pinyin->write(p.family_latin, p.given_latin, 1);
    if (c.field == PersonField::kFirstName) return c.pinyin->write(p.family_latin, p.given_latin, 2);
  }
  if (c.field == PersonField::kPhone || c.field == PersonField::kSsn || c.field == PersonField::kCardNumber) {
    std::string digits;
    for (char ch : value) {
      if (ch >= '0' && ch <= '9') digits += ch;
    }
    if (auto formed = in_digit_form(c.profile, digits, c.field == PersonField::kPhone)) return *formed;
  }
  if (c.field == PersonField::kIdNumber && c.profile.lower_case_letters) {
    std::string lower = value;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return lower;
  }
  if (c.field == PersonField::kGender) {
    // Speak the column's language: the first existing value that means this gender, else
    // for a numeric column the GB/T 2261.1 codes (1 male, 2 female).
    for (const auto& v : c.profile.examples) {
      if (gender_of(v) == p.gender) return v;
    }
    if (c.column.integer || c.profile.digits) return std::string(p.gender == Gender::kMale ? "1" : "2");
  }
  if (c.field == PersonField::kBirthDate && !c.profile.date_format.empty()) {
    return table_dates::format_date(c.profile.date_format.c_str(), p.birth_year, p.birth_month, p.birth_day);
  }
  return value;
}

// ---- values of unique columns ----

// Uniform in [0, bound).
std::uint64_t below(FastRng& rng, std::uint64_t bound) {
  return static_cast<std::uint64_t>((static_cast<unsigned __int128>(rng.next_u64()) * bound) >> 64);
}

std::size_t digit_runs(std::string_view v) {
  std::size_t runs = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    runs += std::isdigit(static_cast<unsigned char>(v[i])) && (i == 0 || !std::isdigit(static_cast<unsigned char>(v[i - 1])));
  }
  return runs;
}

// Every letter and digit of `v` drawn again in its own class (hex stays hex), the rest kept:
// a token, a hash or a UUID whose digits lie in no order. At the profile's steady positions
// (a UUID's version and variant) `v`'s own are kept, until round 2.
std::string redraw_characters(std::string_view v, const ColumnProfile& profile, FastRng& rng, int round) {
  const bool hex = std::all_of(v.begin(), v.end(), [](char c) {
    return !std::isalpha(static_cast<unsigned char>(c)) || std::isxdigit(static_cast<unsigned char>(c));
  });
  const bool steady = round < 2 && profile.steady_positions.size() == v.size();
  std::string out(v);
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (steady && profile.steady_positions[i]) continue;
    char& c = out[i];
    const auto u = static_cast<unsigned char>(c);
    if (hex && std::isxdigit(u)) {
      c = (std::isupper(u) ? "0123456789ABCDEF" : "0123456789abcdef")[rng.uniform(16)];
    } else if (std::isdigit(u)) {
      c = static_cast<char>('0' + rng.uniform(10));
    } else if (u < 0x80 && std::islower(u)) {
      c = static_cast<char>('a' + rng.uniform(26));
    } else if (u < 0x80 && std::isupper(u)) {
      c = static_cast<char>('A' + rng.uniform(26));
    }
  }
  return out;
}

// A number for the last digit run of `example`: the neighbours' numbers span [lo, hi]; the
// number is drawn from [lo, hi + as many as the plant wants] at first, then, round after
// round, from what the round before did not reach, twice as far past hi: written as wide as
// the run was when the neighbours pad theirs with zeros.
std::string renumber(std::string_view example, const ColumnProfile& profile, FastRng& rng, int round) {
  const auto [start, end] = last_digit_run(example);
  const std::size_t width = end - start;
  const std::uint64_t lo = profile.first_number, hi = profile.last_number;
  const bool padded = profile.numbers_padded;
  constexpr std::uint64_t kLargest = 999'999'999'999'999'999;  // 18 digits
  // How far past the largest round `r` reaches: as many numbers as the plant wants (or an
  // eighth of the range), doubled each round.
  const auto reach = [&](int r) {
    std::uint64_t past = std::max<std::uint64_t>(1, profile.numbers_wanted != 0 ? profile.numbers_wanted : (hi - lo) / 8 + 1);
    for (int k = 0; k < r && past < kLargest; ++k) past = std::min(kLargest, past * 2);
    return std::min(hi + past, kLargest);
  };
  // After a clash, only what the rounds before did not reach: [lo, hi] may well be full.
  const std::uint64_t from = round == 0 ? lo : std::min(reach(round - 1) + 1, kLargest);
  const std::uint64_t n = from + below(rng, std::max<std::uint64_t>(1, reach(round) - from + 1));
  std::string digits = std::to_string(n);
  if (padded && digits.size() < width) digits.insert(0, width - digits.size(), '0');
  return std::string(example.substr(0, start)) + digits + std::string(example.substr(end));
}

// A value where the neighbours teach nothing (an empty table): what the schema demands, a
// number or 12 letters and digits; each `round` widens the numbers' range.
std::string schema_value(const ColumnInfo& col, FastRng& rng, int round) {
  if (col.integer || col.json_number) return std::to_string(1 + below(rng, 1'000'000'000ull << std::min(round, 20)));
  static constexpr char kAlnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string v;
  const std::size_t len = col.max_length ? std::min<std::size_t>(*col.max_length, 12) : 12;
  for (std::size_t i = 0; i < len; ++i) v += kAlnum[rng.uniform(36)];
  return v;
}

// A date in the profile's years and form.
std::string random_date(const ColumnProfile& p, FastRng& rng) {
  return table_dates::format_date(p.date_format.c_str(), rng.between(p.min_year, p.max_year), rng.between(1, 12), rng.between(1, 28),
                     rng.between(0, 86'399));
}

// A profiled column's value (unique ones: MappingPlan::draw_unique).
Cell fill_profiled(const ColumnPlan& c, FastRng& rng) {
  const ColumnProfile& p = c.profile;
  const ColumnInfo& col = c.column;
  if (col.references) {
    if (!p.examples.empty()) return p.examples[rng.uniform(static_cast<std::uint32_t>(p.examples.size()))];
    return Cell();
  }
  if (!col.not_null && p.null_rate > 0 && rng.uniform(1'000'000) < static_cast<std::uint32_t>(p.null_rate * 1e6)) {
    return col.declared_type.empty() && !col.json_number ? Cell("") : Cell();
  }
  if (!p.value_set.empty()) return p.value_set[rng.uniform(static_cast<std::uint32_t>(p.value_set.size()))];
  if (!p.date_format.empty()) return random_date(p, rng);
  if (p.digits && p.max_length > 0) {
    const int len = rng.between(static_cast<int>(std::max<std::size_t>(p.min_length, 1)), static_cast<int>(std::min<std::size_t>(p.max_length, 18)));
    std::string v(1, static_cast<char>('1' + rng.uniform(9)));
    while (static_cast<int>(v.size()) < len) v += static_cast<char>('0' + rng.uniform(10));
    return v;
  }
  if (!p.examples.empty()) return p.examples[rng.uniform(static_cast<std::uint32_t>(p.examples.size()))];
  // Nothing to learn from (an empty table): only what the schema demands.
  if (!col.not_null || col.has_default) return Cell();
  return schema_value(col, rng, 0);
}

}  // namespace

Cell MappingPlan::field_cell(std::size_t i, const Person& person) const { return fill_field(columns.at(i), person); }

TableRow MappingPlan::fill(const Person& person, FastRng& rng) const {
  TableRow row;
  row.reserve(columns.size());
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const ColumnPlan& c = columns[i];
    switch (c.kind) {
      case ColumnPlan::Kind::kDatabaseAssigned: row.emplace_back(); break;
      case ColumnPlan::Kind::kField: row.push_back(fill_field(c, person)); break;
      case ColumnPlan::Kind::kAge: {
        const bool birthday_to_come = today_month < person.birth_month ||
                                      (today_month == person.birth_month && today_day < person.birth_day);
        row.push_back(std::to_string(today_year - person.birth_year - (birthday_to_come ? 1 : 0)));
        break;
      }
      case ColumnPlan::Kind::kProfiled: row.push_back(unique_cell(i) ? draw_unique(i, rng, 0) : fill_profiled(c, rng)); break;
    }
  }
  apply_time_order(*this, person, row, rng);
  return row;
}

bool MappingPlan::unique_cell(std::size_t i) const {
  const ColumnPlan& c = columns.at(i);
  return c.kind == ColumnPlan::Kind::kProfiled && c.column.unique && !c.column.references;
}

Cell MappingPlan::draw_unique(std::size_t i, FastRng& rng, int round) const {
  const ColumnPlan& c = columns.at(i);
  const ColumnProfile& p = c.profile;
  const ColumnInfo& col = c.column;
  // NULLs never clash: a nullable column keeps its neighbours' share of them.
  if (!col.not_null && p.null_rate > 0 && rng.uniform(1'000'000) < static_cast<std::uint32_t>(p.null_rate * 1e6)) {
    return col.declared_type.empty() && !col.json_number ? Cell("") : Cell();
  }
  if (p.examples.empty()) return schema_value(col, rng, round);
  if (!p.date_format.empty()) return random_date(p, rng);  // a UNIQUE time column: a clash is drawn again
  const std::string& example = p.examples[rng.uniform(static_cast<std::uint32_t>(p.examples.size()))];
  // Codes numbered in sequence ("P000017", "CUST-2021-00042", 1001) get another number;
  // values whose digits lie in no order (UUIDs, hashes, tokens) and words get every
  // character drawn again.
  const auto [start, end] = last_digit_run(example);
  if (start != end && end - start <= 18 && digit_runs(example) <= 2) return renumber(example, p, rng, round);
  return redraw_characters(example, p, rng, round);
}

namespace {

// A file declares no keys: a column of one at least 20 rows show, each value different and
// holding a digit (1001, "C-00017", a UUID or ObjectId), is one, and canary rows get values
// of their own there (a copy of a neighbour's customer id would be two people with one id).
bool looks_like_a_key(const std::vector<Cell>& cells) {
  if (cells.size() < 20) return false;
  std::set<std::string_view> seen;
  for (const Cell& c : cells) {
    if (!c || c->empty() || c->size() > 40 || !seen.insert(*c).second) return false;
    if (std::none_of(c->begin(), c->end(), [](char ch) { return ch >= '0' && ch <= '9'; })) return false;
  }
  return true;
}

// A composite primary key, (pid, region) say, is kept unique through one of its columns: the
// profiled one whose neighbours repeat it least is drawn unique on its own. Not needed when
// a column of the key is unique already, or holds the person's ID, phone, SSN, card or
// e-mail address (checked against the target's rows anyway).
void choose_key_part(MappingPlan& plan) {
  std::vector<ColumnPlan*> key;
  for (auto& c : plan.columns) {
    if (c.column.primary_key) key.push_back(&c);
  }
  if (key.size() < 2) return;
  ColumnPlan* best = nullptr;
  std::size_t best_distinct = 0;
  for (ColumnPlan* c : key) {
    if (c->column.unique || c->kind == ColumnPlan::Kind::kDatabaseAssigned) return;
    if (c->kind == ColumnPlan::Kind::kField) {
      for (PersonField f : {PersonField::kIdNumber, PersonField::kPhone, PersonField::kSsn, PersonField::kCardNumber,
                            PersonField::kEmail}) {
        if (c->field == f) return;
      }
      continue;
    }
    const std::size_t distinct = std::set<std::string>(c->profile.examples.begin(), c->profile.examples.end()).size();
    if (best == nullptr || distinct > best_distinct) {
      best = c;
      best_distinct = distinct;
    }
  }
  if (best != nullptr) best->column.unique = true;
}

}  // namespace

std::optional<std::uint64_t> trailing_number(std::string_view v) {
  const auto [start, end] = last_digit_run(v);
  if (start == end || end - start > 18) return std::nullopt;
  return std::stoull(std::string(v.substr(start, end - start)));
}

Result<MappingPlan> plan_columns(const TableSample& sample, Locale locale,
                                 const std::map<std::string, std::string>& overrides,
                                 std::chrono::year_month_day today) {
  MappingPlan plan;
  plan.today_year = static_cast<int>(today.year());
  plan.today_month = static_cast<int>(static_cast<unsigned>(today.month()));
  plan.today_day = static_cast<int>(static_cast<unsigned>(today.day()));
  for (const auto& [column, field] : overrides) {
    const bool known = std::any_of(sample.columns.begin(), sample.columns.end(),
                                   [&](const ColumnInfo& c) { return c.name == column; });
    if (!known) {
      std::string names;
      for (const auto& c : sample.columns) names += (names.empty() ? "" : ", ") + c.name;
      return Status::InvalidArgument("--map: no column '" + column + "' (columns: " + names + ")");
    }
    if (field != "-" && field != kAgeField) {
      auto f = parse_person_field(field);
      if (!f) return f.status().WithContext("--map " + column);
    }
  }
  const auto& fields = locale_fields(locale);
  std::set<PersonField> used;
  bool used_age = false;
  for (std::size_t i = 0; i < sample.columns.size(); ++i) {
    ColumnPlan c;
    c.column = sample.columns[i];
    std::vector<Cell> cells;
    for (const auto& row : sample.rows) cells.push_back(i < row.size() ? row[i] : Cell());
    c.profile = ColumnProfile::build(cells);
    // Times to the second are all different too, and no key: drawn as dates (their digits
    // redrawn as a code's would give "2015-01-0b 1a:79:47").
    if (c.column.declared_type.empty() && !c.column.unique && c.profile.date_format.empty()) {
      c.column.unique = looks_like_a_key(cells);
    }
    std::optional<PersonField> field;
    bool age = false;
    if (auto o = overrides.find(c.column.name); o != overrides.end()) {
      age = o->second == kAgeField;
      if (o->second != "-" && !age) field = *parse_person_field(o->second);  // "-": profile it, map nothing
    } else if (auto s = synonyms().find(normalize_column_name(c.column.name)); s != synonyms().end()) {
      if (!s->second) {
        age = !used_age;
        used_age = true;
      } else if (std::find(fields.begin(), fields.end(), *s->second) != fields.end() && !used.contains(*s->second)) {
        // Only fields this locale fills, and each field once (the first column wins).
        field = *s->second;
      }
    }
    if (c.column.database_assigned) {
      c.kind = ColumnPlan::Kind::kDatabaseAssigned;
    } else if (age) {
      // A column its neighbours leave empty stays empty (as for fields).
      const bool mostly_empty = !c.profile.empty_table && c.profile.null_rate >= 0.9;
      c.kind = mostly_empty && !overrides.contains(c.column.name) ? ColumnPlan::Kind::kProfiled : ColumnPlan::Kind::kAge;
    } else if (field) {
      if (std::find(fields.begin(), fields.end(), *field) == fields.end()) {
        return Status::InvalidArgument("--map " + c.column.name + "=" + std::string(field_name(*field)) +
                                       ": locale " + std::string(locale_name(locale)) + " has no such field");
      }
      c.field = *field;
      used.insert(*field);
      // A value in a column its neighbours leave empty would single the canary out: follow
      // the neighbours (unless the user asked for this mapping explicitly).
      const bool mostly_empty = !c.profile.empty_table && c.profile.null_rate >= 0.9;
      c.kind = mostly_empty && !overrides.contains(c.column.name) ? ColumnPlan::Kind::kProfiled : ColumnPlan::Kind::kField;
    } else if (c.column.references && c.profile.examples.empty() && c.column.not_null) {
      return Status::InvalidArgument("column '" + c.column.name + "' references " + *c.column.references +
                                     " and the table has no rows to copy a valid value from; use --map");
    }
    plan.columns.push_back(std::move(c));
  }
  choose_key_part(plan);
  learn_time_order(plan, sample);
  learn_table_people(plan, sample, locale);
  return plan;
}

}  // namespace canarytrap
