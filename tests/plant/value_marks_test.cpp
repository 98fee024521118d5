// Canaries' values carry the registry's mark (core/value_mark.h) for the scanner: people
// redrawn in their free digits only, every value still valid, and the scanner filtering by
// the mark finds every canary, the few planted without it too.
#include "plant/value_marks.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "canarytrap/core/normalize.h"
#include "canarytrap/fake/validators.h"
#include "canarytrap/scan/needle_index.h"
#include "canarytrap/scan/scanner.h"
#include "plant_fixture.h"

namespace canarytrap {
namespace {

bool carries(const ValueMark& mark, std::string_view kind, const std::string& value) {
  auto normalized = normalize_fingerprint(kind, value);
  return normalized && mark.carries(*scan_kind_of(kind), *normalized);
}

// Every character of `a` but those at `changed` (indexes from the end) is `b`'s.
bool same_but_last(const std::string& a, const std::string& b, std::size_t changed) {
  return a.size() == b.size() && a.substr(0, a.size() - changed) == b.substr(0, b.size() - changed);
}

TEST(MarkPersonTest, ZhCnIdsAndPhonesCarryTheMarkAndStayValid) {
  const ValueMark mark(0x0ddba11cafef00dULL);
  auto gen = PersonGenerator::create(Locale::kZhCN, {.seed = 5});
  ASSERT_TRUE(gen);
  FastRng rng = FastRng::make(6);
  int marked = 0;
  // Enough people that some women's sequence numbers (digit 17 even) are redrawn to 000,
  // which is never issued: about one person in a thousand.
  constexpr int kPeople = 20000;
  for (int i = 0; i < kPeople; ++i) {
    Person p;
    (*gen)->next(p);
    const Person drawn = p;
    if (!mark_person(p, Locale::kZhCN, mark, rng)) continue;  // about one in 600: drawn again
    ++marked;
    const std::string& id = p[PersonField::kIdNumber];
    EXPECT_TRUE(carries(mark, "id_number", id)) << id;
    EXPECT_TRUE(carries(mark, "phone", p[PersonField::kPhone])) << p[PersonField::kPhone];
    EXPECT_TRUE(validate_resident_id(id, 2026, 12, 2).ok()) << id;
    EXPECT_TRUE(validate_cn_mobile(p[PersonField::kPhone]).ok()) << p[PersonField::kPhone];
    // Region and birth date (14 characters) and the digit that gives the sex stay as drawn.
    EXPECT_EQ(id.substr(0, 14), drawn[PersonField::kIdNumber].substr(0, 14));
    EXPECT_EQ(id[16], drawn[PersonField::kIdNumber][16]);
    EXPECT_TRUE(same_but_last(p[PersonField::kPhone], drawn[PersonField::kPhone], 4));
    EXPECT_EQ(p[PersonField::kName], drawn[PersonField::kName]);
    EXPECT_EQ(p[PersonField::kBirthDate], drawn[PersonField::kBirthDate]);
  }
  EXPECT_GT(marked, kPeople - kPeople / 100);
}

TEST(MarkPersonTest, EnUsSsnsCardsAndPhonesCarryTheMarkAndStayValid) {
  const ValueMark mark(0xfeedfacefeedfaceULL);
  auto gen = PersonGenerator::create(Locale::kEnUS, {.seed = 5});
  ASSERT_TRUE(gen);
  FastRng rng = FastRng::make(7);
  for (int i = 0; i < 300; ++i) {
    Person p;
    (*gen)->next(p);
    const Person drawn = p;
    ASSERT_TRUE(mark_person(p, Locale::kEnUS, mark, rng));
    for (auto [field, kind] : {std::pair{PersonField::kSsn, "ssn"}, {PersonField::kCardNumber, "card"},
                               {PersonField::kPhone, "phone"}}) {
      EXPECT_TRUE(carries(mark, kind, p[field])) << kind << " " << p[field];
    }
    EXPECT_TRUE(validate_ssn(p[PersonField::kSsn]).ok()) << p[PersonField::kSsn];
    EXPECT_TRUE(validate_nanp_phone(p[PersonField::kPhone]).ok()) << p[PersonField::kPhone];
    std::string card;
    for (char c : p[PersonField::kCardNumber]) {
      if (c >= '0' && c <= '9') card += c;
    }
    EXPECT_TRUE(validate_card_number(card).ok()) << card;
    EXPECT_TRUE(same_but_last(p[PersonField::kSsn], drawn[PersonField::kSsn], 4));
    EXPECT_TRUE(same_but_last(p[PersonField::kPhone], drawn[PersonField::kPhone], 4));
    EXPECT_TRUE(same_but_last(p[PersonField::kCardNumber], drawn[PersonField::kCardNumber], 5));
  }
}

class MarkedPlantTest : public testing::PlantTest {
 protected:
  // The canaries a scan of `file` finds by a value of this kind, with the index the registry gives.
  std::set<std::int64_t> found_in(const std::filesystem::path& file, const NeedleIndex& index, NeedleKind kind) {
    std::set<std::int64_t> found;
    for (const auto& m : Scanner(index, {}).scan_path(file.string()).matches) {
      if (m.kind == kind) found.insert(m.canary_id);
    }
    return found;
  }
  // The registry's needles of these kinds: how many, and how many carry its mark.
  std::pair<int, int> needles_marked(std::initializer_list<std::string_view> kinds) {
    auto key = reg_->value_mark_key();
    EXPECT_TRUE(key);
    const ValueMark mark(key ? *key : 0);
    int all = 0, marked = 0;
    EXPECT_TRUE(reg_->for_each_needle([&](ScanNeedle&& n) {
                      if (std::find(kinds.begin(), kinds.end(), n.kind) == kinds.end()) return;
                      ++all;
                      marked += mark.carries(*scan_kind_of(n.kind), n.value);
                    }).ok());
    return {all, marked};
  }
};

// A plant's IDs, phones and photo-URL ids all carry the mark: the index filters those kinds,
// and the scan finds every canary.
TEST_F(MarkedPlantTest, PlantedValuesCarryTheMarkAndAreFound) {
  const auto file = dir_ / "people.csv";
  {
    std::ofstream out(file);
    out << "xm,sfzh,sjhm,csrq,photo\n";
    for (int i = 0; i < 50; ++i) {
      out << "x" << i << ",11010519" << 70 + i % 20 << "0" << 1 + i % 9 << "1" << i % 10 << "00" << i % 10 << "X,1380013"
          << 1000 + i << ",19" << 70 + i % 20 << "-0" << 1 + i % 9 << "-1" << i % 10
          << ",https://img.example.com/a/0123456789abcdef01234567.jpg\n";
    }
  }
  auto r = plant_into(file.string(), "", "vendor", 300);
  ASSERT_TRUE(r) << r.status().message();
  // ID, phone, the photo URL's id and its host's label: all marked.
  EXPECT_EQ(needles_marked({"id_number", "phone", "token"}), std::make_pair(300 * 4, 300 * 4));
  auto index = NeedleIndex::load(*reg_);
  ASSERT_TRUE(index);
  for (NeedleKind k : {NeedleKind::kIdNumber, NeedleKind::kDigits, NeedleKind::kToken}) EXPECT_TRUE(index->marked(k));
  EXPECT_FALSE(index->marked(NeedleKind::kEmail));
  for (NeedleKind k : {NeedleKind::kIdNumber, NeedleKind::kDigits, NeedleKind::kToken}) {
    EXPECT_EQ(found_in(file, *index, k).size(), 300u) << needle_kind_name(k);
  }
}

// People who all share a birth date and a place leave fewer marked IDs than canaries wanted:
// the rest are planted unmarked, kept in the index's small table, and found all the same.
TEST_F(MarkedPlantTest, UnmarkedValuesWhereMarkedOnesRunOutAreFoundToo) {
  const auto file = dir_ / "staff.csv";
  {
    std::ofstream out(file);
    out << "xm,sfzh,csrq\n";
    for (int i = 0; i < 30; ++i) out << "x" << i << ",1101051980010100" << 10 + i << ",1980-01-01\n";
  }
  auto r = plant_into(file.string(), "", "staff", 200);
  ASSERT_TRUE(r) << r.status().message();
  const auto [ids, marked] = needles_marked({"id_number"});
  EXPECT_EQ(ids, 200);
  EXPECT_LT(marked, ids);  // 2 x 31 or so marked IDs for 200 people born 1980-01-01 in 110105
  auto index = NeedleIndex::load(*reg_);
  ASSERT_TRUE(index);
  EXPECT_TRUE(index->marked(NeedleKind::kIdNumber));
  EXPECT_EQ(found_in(file, *index, NeedleKind::kIdNumber).size(), 200u);
  // The same read back from the index's cache file: the key, the filtered kinds and the
  // table of unmarked needles travel with it.
  const auto cache = NeedleIndex::cache_path_for(dir_ / "registry.db");
  ASSERT_TRUE(NeedleIndex::load_cached(*reg_, cache));
  auto cached = NeedleIndex::load_cached(*reg_, cache);
  ASSERT_TRUE(cached);
  EXPECT_TRUE(cached->marked(NeedleKind::kIdNumber));
  EXPECT_EQ(cached->mark().key(), index->mark().key());
  EXPECT_EQ(found_in(file, *cached, NeedleKind::kIdNumber).size(), 200u);
}

// An index whose unmarked needles are too many for the small table (a registry planted before
// marks) does not filter their kind, and finds them.
TEST(MarkedIndexTest, ManyUnmarkedNeedlesTurnTheFilterOffForTheirKind) {
  const ValueMark mark(42);
  std::vector<ScanNeedle> needles;
  std::string phones;
  std::int64_t id = 1;
  for (std::uint64_t n = 13800000000ULL; needles.size() < NeedleIndex::kMostUnmarked + 100; ++n) {
    const std::string phone = std::to_string(n);
    if (mark.carries(ScanKind::kDigits, phone)) continue;
    needles.push_back({id++, "phone", phone});
    if (id % 997 == 0) phones += "x," + phone + "\n";
  }
  needles.push_back({id++, "id_number", "11010519491231002X"});
  NeedleIndex many = NeedleIndex::build(needles, mark.key());
  EXPECT_FALSE(many.marked(NeedleKind::kDigits));
  EXPECT_EQ(many.marked(NeedleKind::kIdNumber), mark.carries(ScanKind::kIdNumber, "11010519491231002X"));
  EXPECT_TRUE(many.marked(NeedleKind::kToken));  // none at all: nothing to miss
  Matcher matcher(many);
  std::vector<RawMatch> found;
  matcher.scan(phones + "y,11010519491231002X\n", 0, found);
  EXPECT_EQ(found.size(), static_cast<std::size_t>(id / 997) + 1);
  // Without the key, nothing is filtered.
  NeedleIndex keyless = NeedleIndex::build(needles);
  EXPECT_FALSE(keyless.marked(NeedleKind::kIdNumber) || keyless.marked(NeedleKind::kToken));
}

}  // namespace
}  // namespace canarytrap
