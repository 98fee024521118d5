#include "canarytrap/fake/person.h"

#include <algorithm>
#include <cctype>

#include "canarytrap/core/normalize.h"
#include "en_us.h"
#include "tables.h"
#include "zh_cn.h"

namespace canarytrap {

std::string_view locale_name(Locale l) { return l == Locale::kZhCN ? "zh_CN" : "en_US"; }

Result<Locale> parse_locale(std::string_view name) {
  if (name == "zh_CN" || name == "zh-CN" || name == "zh_cn") return Locale::kZhCN;
  if (name == "en_US" || name == "en-US" || name == "en_us") return Locale::kEnUS;
  return Status::InvalidArgument("unknown locale '" + std::string(name) + "' (want zh_CN or en_US)");
}

namespace {
constexpr std::string_view kFieldNames[kPersonFieldCount] = {
    "name",    "first_name", "last_name", "gender",    "birth_date", "ethnicity", "province",
    "state",   "city",       "district",  "street",    "zip",        "address",   "id_number",
    "ssn",     "phone",      "email",     "card_number", "photo_url"};
}  // namespace

std::string_view field_name(PersonField f) { return kFieldNames[static_cast<std::size_t>(f)]; }

Result<PersonField> parse_person_field(std::string_view name) {
  for (std::size_t i = 0; i < kPersonFieldCount; ++i) {
    if (kFieldNames[i] == name) return static_cast<PersonField>(i);
  }
  std::string all;
  for (auto n : kFieldNames) all += (all.empty() ? "" : ", ") + std::string(n);
  return Status::InvalidArgument("unknown field '" + std::string(name) + "' (fields: " + all + ")");
}

const std::vector<PersonField>& locale_fields(Locale l) {
  using F = PersonField;
  static const std::vector<PersonField> zh = {F::kName,     F::kGender, F::kBirthDate, F::kEthnicity,
                                              F::kProvince, F::kCity,   F::kDistrict,  F::kAddress,
                                              F::kIdNumber, F::kPhone,  F::kEmail,     F::kPhotoUrl};
  static const std::vector<PersonField> en = {F::kName,  F::kFirstName, F::kLastName, F::kGender, F::kBirthDate,
                                              F::kSsn,   F::kPhone,     F::kStreet,   F::kCity,   F::kState,
                                              F::kZip,   F::kAddress,   F::kEmail,    F::kCardNumber, F::kPhotoUrl};
  return l == Locale::kZhCN ? zh : en;
}

Result<std::unique_ptr<PersonGenerator>> PersonGenerator::create(Locale locale, GeneratorOptions options) {
  for (auto& d : options.mail_domains) {
    auto n = normalize_zone(d);
    if (!n) return n.status().WithContext("mail domain");
    d = *n;
  }
  if (locale == Locale::kZhCN) return fake::make_zh_cn_generator(std::move(options));
  return fake::make_en_us_generator(std::move(options));
}

bool is_known_region(Locale locale, std::string_view region) {
  if (locale == Locale::kZhCN) {
    const auto& t = fake::zh_tables();
    return t.county_by_code.contains(region) || fake::province_named(t, region).has_value();
  }
  if (region.size() != 2) return false;
  const char state[2] = {static_cast<char>(std::toupper(static_cast<unsigned char>(region[0]))),
                         static_cast<char>(std::toupper(static_cast<unsigned char>(region[1])))};
  const auto& places = fake::en_tables().places;
  return std::any_of(places.begin(), places.end(), [&](const fake::Place& p) { return p.state == std::string_view(state, 2); });
}

}  // namespace canarytrap
