// The fake module's facts, parsed once from the data files compiled into the binary
// (data/zh_CN/*.tsv, data/en_US/*.tsv; see each file's header for its source).
//
// Rows are string_views into the embedded data: nothing is copied. WeightedTable picks a row
// with probability proportional to its weight, in O(1) on average once finish()ed.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "canarytrap/core/tsv.h"
#include "canarytrap/fake/fast_rng.h"

namespace canarytrap::fake {

using Row = TsvRow;
using canarytrap::parse_tsv;

class WeightedTable {
 public:
  void add(std::uint32_t index, std::uint32_t weight);
  // After the last add(): builds the guide table that makes pick() O(1) on average.
  void finish();
  std::uint32_t pick(FastRng& rng) const;
  bool empty() const { return cumulative_.empty(); }

 private:
  std::vector<std::uint32_t> cumulative_;
  std::vector<std::uint32_t> index_;
  // guide_[b]: the first entry whose cumulative weight exceeds the lowest draw of bucket b
  // (draws split into guide_.size() equal buckets). A pick starts there and steps past the
  // few entries that end inside its bucket: the entry a binary search would find, for the
  // same draw (so --seed output is unchanged), without its dozen unpredictable branches.
  std::vector<std::uint32_t> guide_;
};

std::uint32_t to_u32(std::string_view s);

// ---- zh_CN ----
struct Division {
  std::string_view code;
  std::string_view name;
};
struct Province {
  Division self;
  bool municipality = false;            // 北京, 天津, 上海, 重庆: counties sit under it
  std::vector<std::uint32_t> counties;  // indexes into ZhTables::counties
};
struct County {
  Division self;
  std::string_view city;      // prefecture name, or the municipality's own name
  std::uint32_t province = 0;
};
struct NamePart {
  std::string_view text, pinyin;
};
struct Ethnicity {
  std::string_view name;                 // 汉族
  std::vector<std::uint32_t> provinces;  // indexes into ZhTables::provinces; empty = any
  std::string_view code, letters;        // GB/T 3304-1991: 01, HA
  // How its people's names are written, where not the Han way (surname, given name).
  enum class Naming { kHan, kTurkic, kTibetan };
  Naming naming = Naming::kHan;  // kTurkic: 艾尔肯·买买提; kTibetan: 扎西多吉
};

struct ZhTables {
  std::vector<Province> provinces;
  std::vector<County> counties;
  std::unordered_map<std::string_view, std::uint32_t> county_by_code;
  WeightedTable province_by_population;
  std::vector<NamePart> surnames;
  WeightedTable surname_weights;
  std::vector<NamePart> given_chars;
  WeightedTable given_male, given_female;
  std::vector<Ethnicity> ethnicities;
  WeightedTable ethnicity_weights;
  std::vector<NamePart> turkic_male, turkic_female;    // personal names (Naming::kTurkic)
  std::vector<NamePart> tibetan_male, tibetan_female;  // name elements (Naming::kTibetan)
  std::vector<std::string_view> mobile_prefixes;
  WeightedTable mobile_prefix_weights;
  std::vector<std::string_view> street_stems, street_kinds, compound_kinds;
};
const ZhTables& zh_tables();
// The index of the province named `name` in full (上海市, 广西壮族自治区) or by its first two
// or more characters alone (上海, 广西, 内蒙古), as tables often write them; nullopt if none
// or more than one.
std::optional<std::uint32_t> province_named(const ZhTables& t, std::string_view name);
// The ethnic group's name without its closing 族 (汉, 维吾尔), as many tables write it.
std::string_view short_ethnicity_name(std::string_view name);
// The index of the ethnic group `value` names as tables write it: in full (汉族), short (汉),
// by its GB/T 3304 code with or without the leading zero (01, 1) or its letters in either
// case (HA, ha); nullopt if none.
std::optional<std::uint32_t> ethnicity_named(const ZhTables& t, std::string_view value);

// ---- en_US ----
struct Place {
  std::string_view state, city;
  std::vector<std::string_view> zip3, area_codes;
  std::uint32_t population = 0;
};
struct CardRange {
  std::string_view network;
  std::uint32_t low = 0, high = 0;  // inclusive prefix range
  std::uint32_t prefix_digits = 0;
  std::uint32_t length = 0;
};
struct EnTables {
  std::vector<std::string_view> surnames;
  WeightedTable surname_weights;
  std::vector<std::string_view> given;
  WeightedTable given_male, given_female;
  std::vector<Place> places;
  WeightedTable place_weights;
  std::vector<std::string_view> street_names, street_suffixes;
  std::vector<CardRange> cards;
  WeightedTable card_weights;
};
const EnTables& en_tables();

}  // namespace canarytrap::fake
