// How each column of a target gets its value in a canary row.
//
// A column maps to a field of the fake person by name (English, pinyin, Chinese; see
// data/plant/column_synonyms.tsv) or by `--map col=field`. Every other column is profiled
// from the existing rows (null rate, length, character shape, date format, the value set of
// low-cardinality columns) and filled to match, so a canary row looks like its neighbours.
// Mapped fields are adapted too: a gender column holding 1/2 or M/F gets 1/2 or M/F, a date
// column in 1987/05/12 or 19870512 form gets that form, phones, SSNs and card numbers the
// neighbours' grouping and prefix ("+86 138 0000 0001", "(212) 555-0100"), an ID the
// neighbours' lower-case x.
//
//   auto plan = plan_columns(sample, Locale::kZhCN, {{"sfzh", "id_number"}});
//   TableRow row = plan->fill(person, rng);
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "canarytrap/fake/fast_rng.h"
#include "canarytrap/fake/person.h"
#include "canarytrap/plant/target.h"

namespace canarytrap {

// What one column's existing values look like.
struct ColumnProfile {
  double null_rate = 0;        // share of NULL (or, in files, empty) cells
  std::size_t min_length = 0, max_length = 0;
  bool digits = false;         // every non-empty value is digits only
  std::string date_format;     // e.g. "%Y-%m-%d" when every value is a date of one form
  int min_year = 0, max_year = 0;  // the years those dates span
  std::vector<std::string> value_set;  // low-cardinality columns: the values, with repeats as weights
  std::vector<std::string> examples;   // a few values to copy for free text
  // The numbers the values end with ("P000017" -> 17, "1001" -> 1001) span [first, last];
  // padded: written with leading zeros. For values of unique columns numbered in sequence.
  std::uint64_t first_number = 0, last_number = 0;
  bool numbers_padded = false;
  // How many new numbers a plant wants past last_number (0: an eighth of the range).
  std::uint64_t numbers_wanted = 0;
  // Values all of one length (16 or more seen): the positions where they show at most 4
  // characters (a UUID's version and variant), kept when such values are drawn anew.
  std::vector<bool> steady_positions;
  // The form most values of digits and punctuation share ("+86 138 0000 0001", "(212)
  // 555-0100", "4000 1234 5678 9010"), as one of them, if at least half of them share it;
  // and how many of its leading digits every value of that form has alike (the "86" of +86).
  std::string digit_form;
  std::size_t digit_form_fixed = 0;
  bool lower_case_letters = false;  // the values' letters are all lower-case (an ID's x)
  bool empty_table = false;

  static ColumnProfile build(const std::vector<Cell>& cells);
  std::string describe() const;
};

// How a column writes Chinese names in pinyin ("ZHANG JIAYI", "Jiayi Zhang", "Zhang,
// Jiayi"), as exports for airlines, hotels and other systems without Chinese characters do:
// a canary's 张佳怡 there would be the only name in characters.
struct PinyinForm {
  enum class Case { kUpper, kTitle, kLower };
  Case letter_case = Case::kTitle;
  bool family_first = true;
  std::string separator = " ";  // between the family and the given name

  // `family` and `given` (lower-case pinyin, "zhang", "jiayi") in this form; `part` 1 for
  // the family name alone, 2 for the given name alone, 0 for both.
  std::string write(std::string_view family, std::string_view given, int part = 0) const;
};

struct ColumnPlan {
  // kAge: the person's age in whole years on the plant's date, from the birth date (an age
  // column filled from its neighbours would contradict the birth date beside it).
  enum class Kind { kField, kProfiled, kDatabaseAssigned, kAge };
  ColumnInfo column;
  Kind kind = Kind::kProfiled;
  PersonField field = PersonField::kName;
  ColumnProfile profile;
  // A profiled date column never earlier than another in the rows the sample shows
  // (updated_at and created_at, shipped_at and ordered_at): the other's index and name, and
  // the gaps in seconds seen between the two. A canary row's value here is the other's plus
  // one of those gaps, so that the two agree as its neighbours' do.
  std::optional<std::size_t> follows;
  std::string follows_column;
  std::vector<std::int64_t> gaps;
  // A profiled date column that grows with the table's order (the created_at of a table
  // appended to): its oldest and newest value in seconds, and the time between two rows
  // on average. A canary row gets a time of those years in a file (placed where it sorts),
  // and in a database, whose new rows come after its newest, a time after the newest at
  // the table's own pace (see time_order.h).
  bool grows = false;
  bool newest_first = false;  // grows from the last row to the first (an export newest first)
  std::int64_t oldest = 0, newest = 0;
  double seconds_per_row = 0;
  // A profiled date column beside the birth date that follows no other: the youngest age,
  // in whole years, any sampled row shows at its date (people registered at 18 or older).
  // A canary row is dated at that age or older, and its person drawn again if no date of
  // the column's span allows it: a canary registered at 9 where nobody else is under 18
  // stands out to a one-line query.
  std::optional<int> min_age;
  // What canaries take after the sampled people's values in this column, for --dry-run
  // ("births near the table's": MappingPlan::birth_days, male_share, regions).
  std::vector<std::string> people_learned;
  // A zh_CN name column (whole, given or family name) whose values are pinyin.
  std::optional<PinyinForm> pinyin;
  // An address column's parts around the street, as most sampled values have them: zh_CN
  // the province (河北省) and the city (石家庄市) before the district; en_US the city, state
  // and ZIP after the street (", Dallas, TX 75125"). nullopt: all, as generated.
  struct AddressForm {
    bool province = true, city = true;  // zh_CN
    bool locality = true;               // en_US
  };
  std::optional<AddressForm> address_form;
  // A zh_CN province column whose values are mostly the short names (上海, 广西, 内蒙古).
  bool short_province_names = false;
  // How a zh_CN ethnicity column writes a group, as most sampled values do: 汉族, 汉, the
  // GB/T 3304 code (01, or 1 where its zero is dropped) or its letters (HA).
  enum class EthnicityForm { kName, kShort, kCode, kNumber, kLetters };
  EthnicityForm ethnicity_form = EthnicityForm::kName;

  std::string describe() const;
};

struct MappingPlan {
  std::vector<ColumnPlan> columns;
  int today_year = 1970, today_month = 1, today_day = 1;  // the plant's date (UTC), for ages
  // The sampled people's birth dates, days since 1970 (from a birth date column, else from
  // the date inside resident ID numbers), when at least 20: canaries are drawn near them
  // (GeneratorOptions::birth_days), so that a students' table gets students. Empty: none.
  std::vector<std::int32_t> birth_days;
  // Where the sampled people live, an entry a row (GeneratorOptions::regions), when at least
  // 20 the generator knows: the division codes starting resident IDs, else the province
  // column's values, else the state column's. Canaries are drawn there, so that a Shanghai
  // hospital's table gets Shanghai people. Empty: anywhere.
  std::vector<std::string> regions;
  // The share of men among the sampled people (from the gender column, else from resident
  // IDs), when at least 20 show it: a maternity ward's table gets women. nullopt: half.
  std::optional<double> male_share;
  // The sampled people's ethnic groups (zh_CN), an entry a row in full (汉族), when at least
  // 20 show one (GeneratorOptions::ethnicities): a table of one group's school, or of Han
  // people only, gets canaries of the same groups. Empty: by census share.
  std::vector<std::string> ethnicities;
  // Whether the name column holds names written the Turkic way (艾尔肯·买买提), at least 2
  // sampled (GeneratorOptions::turkic_names): a Uyghur canary then gets one, where a Han
  // name beside its group would stand out.
  bool turkic_names = false;
  // Whether it holds names written the Tibetan way (扎西多吉: two name elements, no surname),
  // at least 2 sampled that start with one (GeneratorOptions::tibetan_names).
  bool tibetan_names = false;

  // One canary row for `person`, cells in column order.
  TableRow fill(const Person& person, FastRng& rng) const;
  // Whether column `i` is profiled and must hold a value no other row holds (a UNIQUE or
  // primary key column, or the part of a composite primary key chosen to keep it unique):
  // the planter checks those cells against the target and draws clashing ones again.
  bool unique_cell(std::size_t i) const;
  // A value for such a column shaped like its neighbours' ("P000017" -> "P005342", a UUID ->
  // another UUID): numbers up to the profile's last_number and numbers_wanted past it; each
  // later `round` of clashes reaches twice as far past it (a dense sequence's free numbers
  // lie past its end).
  Cell draw_unique(std::size_t i, FastRng& rng, int round) const;
  // Whether any column carries the person's e-mail (the smtp trigger) or photo URL.
  bool has_field(PersonField f) const;
  // Column `i`'s cell for a mapped field, in the column's form (what fill() writes there).
  Cell field_cell(std::size_t i, const Person& person) const;
  // Whether fill() can date `person`'s row in every column with a min_age: some date of the
  // column's span falls on or after their birthday of that age. The planter draws people
  // until one is.
  bool old_enough(const Person& person) const;
};

// The number a value ends with, read from its last run of digits ("P000017" -> 17, "C-2021-
// 00042" -> 42); nullopt without one, or with one of more than 18 digits.
std::optional<std::uint64_t> trailing_number(std::string_view v);

// `overrides` maps column name to field name ("age" too); `today` is the plant's date (UTC),
// for ages. Fails (one line, naming the column) on an unknown column or field, or a column
// that cannot hold its field (too short, integer).
Result<MappingPlan> plan_columns(const TableSample& sample, Locale locale,
                                 const std::map<std::string, std::string>& overrides,
                                 std::chrono::year_month_day today);

}  // namespace canarytrap
