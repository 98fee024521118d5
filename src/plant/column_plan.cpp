#include "canarytrap/plant/column_plan.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "fake/tables.h"

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

const std::map<std::string, PersonField>& synonyms() {
  static const std::map<std::string, PersonField> table = [] {
    std::map<std::string, PersonField> t;
    for (const auto& row : fake::parse_tsv(data::plant_column_synonyms_tsv)) {
      const PersonField field = *parse_person_field(row[0]);
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

// ---- dates ----

struct DateShape {
  const char* format;  // strftime-like, only %Y %m %d and literal characters
  std::size_t length;
};
constexpr DateShape kDateShapes[] = {{"%Y-%m-%d", 10}, {"%Y/%m/%d", 10}, {"%Y.%m.%d", 10}, {"%Y%m%d", 8},
                                     {"%m/%d/%Y", 10}, {"%d/%m/%Y", 10}, {"%Y-%m-%d 00:00:00", 19}};

bool matches_date(std::string_view v, const DateShape& shape) {
  if (v.size() != shape.length) return false;
  std::size_t i = 0;
  int month = 0, day = 0;
  for (const char* f = shape.format; *f; ++f) {
    if (*f == '%') {
      ++f;
      const std::size_t width = *f == 'Y' ? 4 : 2;
      int value = 0;
      for (std::size_t k = 0; k < width; ++k, ++i) {
        if (i >= v.size() || !std::isdigit(static_cast<unsigned char>(v[i]))) return false;
        value = value * 10 + (v[i] - '0');
      }
      if (*f == 'm') month = value;
      if (*f == 'd') day = value;
    } else {
      if (i >= v.size() || v[i] != *f) return false;
      ++i;
    }
  }
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

std::string format_date(const char* format, int y, int m, int d) {
  std::string out;
  char buf[8];
  for (const char* f = format; *f; ++f) {
    if (*f == '%') {
      ++f;
      if (*f == 'Y') {
        std::snprintf(buf, sizeof buf, "%04d", y);
      } else {
        std::snprintf(buf, sizeof buf, "%02d", *f == 'm' ? m : d);
      }
      out += buf;
    } else {
      out += *f;
    }
  }
  return out;
}

// ---- gender ----

// Values that mean male / female in the wild (GB/T 2261.1 codes 1 and 2 among them).
bool means_male(std::string_view v) {
  static const std::set<std::string, std::less<>> kMale = {"m", "male", "man", "男", "1"};
  return kMale.contains(normalize_column_name(v));
}
bool means_female(std::string_view v) {
  static const std::set<std::string, std::less<>> kFemale = {"f", "female", "woman", "女", "2", "0"};
  return kFemale.contains(normalize_column_name(v));
}

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

ColumnProfile ColumnProfile::build(const std::vector<Cell>& cells) {
  ColumnProfile p;
  p.empty_table = cells.empty();
  if (cells.empty()) return p;
  std::size_t nulls = 0;
  std::map<std::string, std::size_t> counts;
  bool first = true, all_digits = true;
  std::vector<bool> date_ok(std::size(kDateShapes), true);
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
    for (std::size_t i = 0; i < std::size(kDateShapes); ++i) date_ok[i] = date_ok[i] && matches_date(*c, kDateShapes[i]);
    ++counts[*c];
  }
  const std::size_t present = cells.size() - nulls;
  p.null_rate = static_cast<double>(nulls) / static_cast<double>(cells.size());
  if (present == 0) return p;
  p.digits = all_digits;
  for (std::size_t i = 0; i < std::size(kDateShapes); ++i) {
    if (!date_ok[i]) continue;
    p.date_format = kDateShapes[i].format;
    // %m and %d are two characters standing for two digits, so the year sits in the value
    // where %Y sits in the format.
    const std::size_t offset = std::string_view(kDateShapes[i].format).find("%Y");
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
  for (const Cell& c : cells) {
    if (c && !c->empty() && p.examples.size() < 50) p.examples.push_back(*c);
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
    case Kind::kField: {
      std::string d = "<- " + std::string(field_name(field));
      if (!profile.date_format.empty() && field == PersonField::kBirthDate) d += " as " + profile.date_format;
      if (field == PersonField::kGender && !profile.examples.empty()) {
        std::set<std::string> seen(profile.examples.begin(), profile.examples.end());
        d += " as one of {";
        for (const auto& v : seen) d += (d.back() == '{' ? "" : ", ") + v;
        d += "}";
      }
      return d;
    }
    case Kind::kProfiled: return "profiled: " + profile.describe();
  }
  return "";
}

bool MappingPlan::has_field(PersonField f) const {
  return std::any_of(columns.begin(), columns.end(),
                     [&](const ColumnPlan& c) { return c.kind == ColumnPlan::Kind::kField && c.field == f; });
}

namespace {

Cell fill_field(const ColumnPlan& c, const Person& p) {
  const std::string& value = p[c.field];
  if (c.field == PersonField::kGender) {
    // Speak the column's language: the first existing value that means this gender, else
    // for a numeric column the GB/T 2261.1 codes (1 male, 2 female).
    for (const auto& v : c.profile.examples) {
      if (p.gender == Gender::kMale ? means_male(v) : means_female(v)) return v;
    }
    if (c.column.integer || c.profile.digits) return std::string(p.gender == Gender::kMale ? "1" : "2");
  }
  if (c.field == PersonField::kBirthDate && !c.profile.date_format.empty()) {
    return format_date(c.profile.date_format.c_str(), p.birth_year, p.birth_month, p.birth_day);
  }
  return value;
}

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
  if (!p.value_set.empty() && !col.unique) return p.value_set[rng.uniform(static_cast<std::uint32_t>(p.value_set.size()))];
  if (!p.date_format.empty()) {
    return format_date(p.date_format.c_str(), rng.between(p.min_year, p.max_year), rng.between(1, 12), rng.between(1, 28));
  }
  if (p.digits && p.max_length > 0) {
    const int len = rng.between(static_cast<int>(std::max<std::size_t>(p.min_length, 1)), static_cast<int>(std::min<std::size_t>(p.max_length, 18)));
    std::string v(1, static_cast<char>('1' + rng.uniform(9)));
    while (static_cast<int>(v.size()) < len) v += static_cast<char>('0' + rng.uniform(10));
    return v;
  }
  if (!p.examples.empty() && !col.unique) return p.examples[rng.uniform(static_cast<std::uint32_t>(p.examples.size()))];
  // Nothing to learn from (an empty table) or a unique text column: only what the schema demands.
  if (!col.not_null || col.has_default) return Cell();
  if (col.integer || col.json_number) return std::to_string(1 + rng.uniform(1'000'000'000));
  static constexpr char kAlnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string v;
  const std::size_t len = col.max_length ? std::min<std::size_t>(*col.max_length, 12) : 12;
  for (std::size_t i = 0; i < len; ++i) v += kAlnum[rng.uniform(36)];
  return v;
}

}  // namespace

TableRow MappingPlan::fill(const Person& person, FastRng& rng) const {
  TableRow row;
  row.reserve(columns.size());
  for (const ColumnPlan& c : columns) {
    switch (c.kind) {
      case ColumnPlan::Kind::kDatabaseAssigned: row.emplace_back(); break;
      case ColumnPlan::Kind::kField: row.push_back(fill_field(c, person)); break;
      case ColumnPlan::Kind::kProfiled: row.push_back(fill_profiled(c, rng)); break;
    }
  }
  return row;
}

Result<MappingPlan> plan_columns(const TableSample& sample, Locale locale,
                                 const std::map<std::string, std::string>& overrides) {
  MappingPlan plan;
  for (const auto& [column, field] : overrides) {
    const bool known = std::any_of(sample.columns.begin(), sample.columns.end(),
                                   [&](const ColumnInfo& c) { return c.name == column; });
    if (!known) {
      std::string names;
      for (const auto& c : sample.columns) names += (names.empty() ? "" : ", ") + c.name;
      return Status::InvalidArgument("--map: no column '" + column + "' (columns: " + names + ")");
    }
    if (field != "-") {
      auto f = parse_person_field(field);
      if (!f) return f.status().WithContext("--map " + column);
    }
  }
  const auto& fields = locale_fields(locale);
  std::set<PersonField> used;
  for (std::size_t i = 0; i < sample.columns.size(); ++i) {
    ColumnPlan c;
    c.column = sample.columns[i];
    std::vector<Cell> cells;
    for (const auto& row : sample.rows) cells.push_back(i < row.size() ? row[i] : Cell());
    c.profile = ColumnProfile::build(cells);
    std::optional<PersonField> field;
    if (auto o = overrides.find(c.column.name); o != overrides.end()) {
      if (o->second != "-") field = *parse_person_field(o->second);  // "-": profile it, map nothing
    } else if (auto s = synonyms().find(normalize_column_name(c.column.name)); s != synonyms().end()) {
      // Only fields this locale fills, and each field once (the first column wins).
      if (std::find(fields.begin(), fields.end(), s->second) != fields.end() && !used.contains(s->second)) {
        field = s->second;
      }
    }
    if (c.column.database_assigned) {
      c.kind = ColumnPlan::Kind::kDatabaseAssigned;
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
  return plan;
}

}  // namespace canarytrap
