#include "tables.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace canarytrap::data {
extern const std::string_view zh_divisions_tsv;
extern const std::string_view zh_province_population_tsv;
extern const std::string_view zh_surnames_tsv;
extern const std::string_view zh_given_name_chars_tsv;
extern const std::string_view zh_ethnic_groups_tsv;
extern const std::string_view zh_turkic_names_tsv;
extern const std::string_view zh_tibetan_names_tsv;
extern const std::string_view zh_mobile_prefixes_tsv;
extern const std::string_view zh_street_names_tsv;
extern const std::string_view en_surnames_tsv;
extern const std::string_view en_given_names_tsv;
extern const std::string_view en_places_tsv;
extern const std::string_view en_streets_tsv;
extern const std::string_view en_card_iins_tsv;
}  // namespace canarytrap::data

namespace canarytrap::fake {

std::vector<std::string_view> split_commas(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    const auto comma = s.find(',');
    out.push_back(s.substr(0, comma));
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

std::uint32_t to_u32(std::string_view s) {
  std::uint32_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

void WeightedTable::add(std::uint32_t index, std::uint32_t weight) {
  guide_.clear();  // built for the entries before this one; finish() again
  if (weight == 0) return;
  cumulative_.push_back((cumulative_.empty() ? 0 : cumulative_.back()) + weight);
  index_.push_back(index);
}

void WeightedTable::finish() {
  guide_.clear();
  if (cumulative_.empty()) return;
  const std::uint64_t total = cumulative_.back();
  const std::size_t buckets = 4 * cumulative_.size();
  guide_.resize(buckets);
  for (std::size_t b = 0; b < buckets; ++b) {
    const auto lowest = static_cast<std::uint32_t>(b * total / buckets);
    guide_[b] = static_cast<std::uint32_t>(std::upper_bound(cumulative_.begin(), cumulative_.end(), lowest) -
                                           cumulative_.begin());
  }
}

std::uint32_t WeightedTable::pick(FastRng& rng) const {
  const std::uint32_t r = rng.uniform(cumulative_.back());
  if (guide_.empty()) {
    const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), r);
    return index_[static_cast<std::size_t>(it - cumulative_.begin())];
  }
  // r's bucket b = floor(r * buckets / total) has b * total / buckets <= r, so every entry
  // before guide_[b] ends at or below r.
  std::size_t i = guide_[static_cast<std::size_t>(std::uint64_t{r} * guide_.size() / cumulative_.back())];
  while (cumulative_[i] <= r) ++i;
  return index_[i];
}

namespace {

bool is_municipality(std::string_view code) {
  return code == "110000" || code == "120000" || code == "310000" || code == "500000";
}

ZhTables load_zh() {
  ZhTables t;
  std::unordered_map<std::string_view, std::string_view> prefecture_names;
  std::unordered_map<std::string_view, std::uint32_t> province_index;
  const auto divisions = parse_tsv(data::zh_divisions_tsv);
  for (const auto& row : divisions) {
    const std::string_view code = row[0];
    if (code.substr(2) == "0000") {
      province_index[code.substr(0, 2)] = static_cast<std::uint32_t>(t.provinces.size());
      t.provinces.push_back({{code, row[1]}, is_municipality(code), {}});
    } else if (code.substr(4) == "00") {
      prefecture_names[code.substr(0, 4)] = row[1];
    }
  }
  for (const auto& row : divisions) {
    const std::string_view code = row[0];
    if (code.substr(4) == "00") continue;
    const std::uint32_t p = province_index.at(code.substr(0, 2));
    const auto pref = prefecture_names.find(code.substr(0, 4));
    const std::string_view city = pref != prefecture_names.end() ? pref->second : t.provinces[p].self.name;
    t.county_by_code[code] = static_cast<std::uint32_t>(t.counties.size());
    t.provinces[p].counties.push_back(static_cast<std::uint32_t>(t.counties.size()));
    t.counties.push_back({{code, row[1]}, city, p});
  }
  for (const auto& row : parse_tsv(data::zh_province_population_tsv)) {
    t.province_by_population.add(province_index.at(row[0].substr(0, 2)), to_u32(row[1]));
  }
  for (const auto& row : parse_tsv(data::zh_surnames_tsv)) {
    t.surname_weights.add(static_cast<std::uint32_t>(t.surnames.size()), to_u32(row[2]));
    t.surnames.push_back({row[0], row[1]});
  }
  for (const auto& row : parse_tsv(data::zh_given_name_chars_tsv)) {
    const auto i = static_cast<std::uint32_t>(t.given_chars.size());
    const std::uint32_t w = to_u32(row[3]);
    if (row[2] != "f") t.given_male.add(i, w);
    if (row[2] != "m") t.given_female.add(i, w);
    t.given_chars.push_back({row[0], row[1]});
  }
  for (const auto& row : parse_tsv(data::zh_ethnic_groups_tsv)) {
    Ethnicity e{row[0], {}, row.at(3), row.at(4)};
    if (row.size() > 5) e.naming = row[5] == "turkic" ? Ethnicity::Naming::kTurkic : Ethnicity::Naming::kTibetan;
    for (auto code : split_commas(row.at(2))) e.provinces.push_back(province_index.at(code));
    t.ethnicity_weights.add(static_cast<std::uint32_t>(t.ethnicities.size()), to_u32(row[1]));
    t.ethnicities.push_back(std::move(e));
  }
  for (const auto& row : parse_tsv(data::zh_turkic_names_tsv)) {
    (row.at(0) == "m" ? t.turkic_male : t.turkic_female).push_back({row.at(1), row.at(2)});
  }
  for (const auto& row : parse_tsv(data::zh_tibetan_names_tsv)) {
    (row.at(0) == "m" ? t.tibetan_male : t.tibetan_female).push_back({row.at(1), row.at(2)});
  }
  for (const auto& row : parse_tsv(data::zh_mobile_prefixes_tsv)) {
    t.mobile_prefix_weights.add(static_cast<std::uint32_t>(t.mobile_prefixes.size()), to_u32(row[2]));
    t.mobile_prefixes.push_back(row[0]);
  }
  for (const auto& row : parse_tsv(data::zh_street_names_tsv)) {
    (row[0] == "stem" ? t.street_stems : row[0] == "kind" ? t.street_kinds : t.compound_kinds).push_back(row[1]);
  }
  for (WeightedTable* w : {&t.province_by_population, &t.surname_weights, &t.given_male, &t.given_female,
                           &t.ethnicity_weights, &t.mobile_prefix_weights}) {
    w->finish();
  }
  return t;
}

EnTables load_en() {
  EnTables t;
  for (const auto& row : parse_tsv(data::en_surnames_tsv)) {
    t.surname_weights.add(static_cast<std::uint32_t>(t.surnames.size()), to_u32(row[1]));
    t.surnames.push_back(row[0]);
  }
  for (const auto& row : parse_tsv(data::en_given_names_tsv)) {
    const auto i = static_cast<std::uint32_t>(t.given.size());
    (row[1] == "m" ? t.given_male : t.given_female).add(i, to_u32(row[2]));
    t.given.push_back(row[0]);
  }
  for (const auto& row : parse_tsv(data::en_places_tsv)) {
    t.place_weights.add(static_cast<std::uint32_t>(t.places.size()), to_u32(row[4]));
    t.places.push_back({row[0], row[1], split_commas(row[2]), split_commas(row[3]), to_u32(row[4])});
  }
  for (const auto& row : parse_tsv(data::en_streets_tsv)) {
    (row[0] == "name" ? t.street_names : t.street_suffixes).push_back(row[1]);
  }
  for (const auto& row : parse_tsv(data::en_card_iins_tsv)) {
    CardRange c;
    c.network = row[0];
    const auto dash = row[1].find('-');
    const std::string_view low = row[1].substr(0, dash);
    c.low = to_u32(low);
    c.high = dash == std::string_view::npos ? c.low : to_u32(row[1].substr(dash + 1));
    c.prefix_digits = static_cast<std::uint32_t>(low.size());
    c.length = to_u32(row[2]);
    t.card_weights.add(static_cast<std::uint32_t>(t.cards.size()), to_u32(row[3]));
    t.cards.push_back(c);
  }
  for (WeightedTable* w : {&t.surname_weights, &t.given_male, &t.given_female, &t.place_weights, &t.card_weights}) {
    w->finish();
  }
  return t;
}

}  // namespace

const ZhTables& zh_tables() {
  static const ZhTables t = load_zh();
  return t;
}

std::optional<std::uint32_t> province_named(const ZhTables& t, std::string_view name) {
  constexpr std::size_t kTwoCharacters = 6;  // UTF-8 bytes of two CJK characters
  std::optional<std::uint32_t> found;
  for (std::uint32_t i = 0; i < t.provinces.size(); ++i) {
    const std::string_view full = t.provinces[i].self.name;
    if (full == name) return i;
    if (name.size() >= kTwoCharacters && full.substr(0, name.size()) == name) {
      if (found) return std::nullopt;
      found = i;
    }
  }
  return found;
}

std::string_view short_ethnicity_name(std::string_view name) {
  constexpr std::string_view kZu = "族";
  if (name.size() > kZu.size() && name.substr(name.size() - kZu.size()) == kZu) name.remove_suffix(kZu.size());
  return name;
}

std::optional<std::uint32_t> ethnicity_named(const ZhTables& t, std::string_view value) {
  const bool two_letters = value.size() == 2 && std::isalpha(static_cast<unsigned char>(value[0])) &&
                           std::isalpha(static_cast<unsigned char>(value[1]));
  for (std::uint32_t i = 0; i < t.ethnicities.size(); ++i) {
    const Ethnicity& e = t.ethnicities[i];
    if (value == e.name || value == short_ethnicity_name(e.name) || value == e.code) return i;
    if (e.code.front() == '0' && value == e.code.substr(1)) return i;
    if (two_letters && std::toupper(static_cast<unsigned char>(value[0])) == e.letters[0] &&
        std::toupper(static_cast<unsigned char>(value[1])) == e.letters[1]) {
      return i;
    }
  }
  return std::nullopt;
}

const EnTables& en_tables() {
  static const EnTables t = load_en();
  return t;
}

}  // namespace canarytrap::fake
