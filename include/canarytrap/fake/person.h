// Fake people: realistic, internally consistent identities per locale.
//
// A PersonGenerator fills a Person; reuse one Person across calls so that its strings keep
// their capacity (a million people a second leaves no room for allocations). Every value
// passes the checks in validators.h, and a record agrees with itself: the ID number encodes
// the birth date, gender and the county of the address; ZIP, state and area code agree.
//
//   auto gen = PersonGenerator::create(Locale::kZhCN, {.seed = 42});
//   Person p;
//   (*gen)->next(p);
//   std::string_view id = p[PersonField::kIdNumber];
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "canarytrap/core/status.h"

namespace canarytrap {

enum class Locale { kZhCN, kEnUS };
std::string_view locale_name(Locale l);
Result<Locale> parse_locale(std::string_view name);

enum class PersonField : std::uint8_t {
  kName,
  kFirstName,
  kLastName,
  kGender,
  kBirthDate,  // YYYY-MM-DD
  kEthnicity,
  kProvince,
  kState,
  kCity,
  kDistrict,
  kStreet,
  kZip,
  kAddress,
  kIdNumber,
  kSsn,
  kPhone,
  kEmail,
  kCardNumber,
  kPhotoUrl,
  kCount
};
inline constexpr std::size_t kPersonFieldCount = static_cast<std::size_t>(PersonField::kCount);

std::string_view field_name(PersonField f);
Result<PersonField> parse_person_field(std::string_view name);

// The fields a locale fills, in output (CSV column) order.
const std::vector<PersonField>& locale_fields(Locale l);

enum class Gender { kMale, kFemale };

struct Person {
  std::array<std::string, kPersonFieldCount> values;
  Gender gender = Gender::kMale;
  int birth_year = 0, birth_month = 0, birth_day = 0;
  // The name in Latin letters (pinyin for zh_CN), lower-case: what e-mail addresses use.
  std::string family_latin, given_latin;

  std::string& operator[](PersonField f) { return values[static_cast<std::size_t>(f)]; }
  const std::string& operator[](PersonField f) const { return values[static_cast<std::size_t>(f)]; }
};

struct GeneratorOptions {
  std::optional<std::uint64_t> seed;           // reproducible when set; else CSPRNG-keyed
  std::vector<std::string> mail_domains = {};  // default: example.com, example.net, example.org
  std::string photo_base_url = "";             // default: https://img.example.com
  int today_year = 0, today_month = 0, today_day = 0;  // default: the system date (UTC)
  // The birth dates (days since 1970-01-01) of the people a plant writes beside, a table's
  // own: each person's is drawn within 182 days of one of them and within their span, so
  // that canaries are of their neighbours' ages (a students' table's, a pensioners'). A day
  // that is the birth date of 5 or more of them (a placeholder such as 1900-01-01) is kept
  // as it is. Never before 1900 or after today. Empty: ages 18 to 80, evenly.
  std::vector<std::int32_t> birth_days = {};
  // Where the people a plant writes beside live, a table's own, an entry a person: zh_CN
  // six-digit division codes (a resident ID's first digits) or province names (上海市, 上海),
  // en_US state codes (CA). Each person lives in one of them, picked as often as it is
  // given (a county itself; a province's counties evenly; a state's places by population),
  // and their address, ID and phone agree with it; a zh_CN ethnic group drawn to live
  // elsewhere is drawn again. Unknown entries are ignored; none known: anywhere, by
  // population.
  std::vector<std::string> regions = {};
  // The share of men (0 to 1) among the people a plant writes beside; nullopt: half.
  std::optional<double> male_share = std::nullopt;
  // The zh_CN ethnic groups of the people a plant writes beside, an entry a person, as tables
  // write them (汉族, 汉, 01, HA). Each person's group is one of them, picked as often as it
  // is given (where they live then follows as without it; with `regions`, those places).
  // Unknown entries are ignored; none known: by census share (with `regions`, among the
  // people living there).
  std::vector<std::string> ethnicities = {};
  // zh_CN people of the groups whose records write names the Turkic way (维吾尔族, 哈萨克族,
  // 柯尔克孜族, 乌孜别克族, 塔吉克族, 塔塔尔族) named so: their own name, the middle dot and
  // their father's (艾尔肯·买买提), as a table holding such names writes them. Off: every
  // name is a Han one (surname and given name).
  bool turkic_names = false;
  // zh_CN people of the groups whose records write names the Tibetan way (藏族, 门巴族) named
  // so: two name elements and no surname (扎西多吉, 次仁卓玛). Off: a Han name.
  bool tibetan_names = false;
};

// Whether a generator of `locale` would place people in `region` (GeneratorOptions::regions).
bool is_known_region(Locale locale, std::string_view region);

class PersonGenerator {
 public:
  virtual ~PersonGenerator() = default;
  static Result<std::unique_ptr<PersonGenerator>> create(Locale locale, GeneratorOptions options);

  virtual void next(Person& out) = 0;
  // Draws a new e-mail address for `p` (same name, other digits or style) after `attempt`
  // (1, 2, ...) addresses in a row were taken: each attempt ends it with one more random
  // digit, so that even the commonest name finds a free address.
  virtual void redraw_email(Person& p, int attempt) = 0;
  virtual Locale locale() const = 0;
  // From now on draws the fields it can without replacement (each the next value of a
  // keyed shuffle of the field's value space: phones per area code or carrier prefix, SSNs,
  // card numbers per issuer range), so that no such value repeats within the run, and
  // returns those fields. DistinctPeople then remembers only the others (ID numbers, whose
  // space is one county's people born on one day, and e-mail addresses). A space drawn to
  // its end, hundreds of millions of people on, is drawn from at random again.
  virtual std::vector<PersonField> draw_without_replacement() { return {}; }
};

}  // namespace canarytrap
