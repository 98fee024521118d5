#include "canarytrap/fake/distinct_people.h"

#include <gtest/gtest.h>

#include <unordered_set>

namespace canarytrap {
namespace {

GeneratorOptions seeded(std::uint64_t seed) {
  GeneratorOptions o;
  o.seed = seed;
  o.mail_domains = {"mail.example.net"};
  return o;
}

std::unique_ptr<PersonGenerator> make(Locale l, std::uint64_t seed) {
  auto g = PersonGenerator::create(l, seeded(seed));
  EXPECT_TRUE(g) << g.status().message();
  return std::move(*g);
}

std::vector<PersonField> identifying(Locale l) {
  if (l == Locale::kZhCN) return {PersonField::kIdNumber, PersonField::kPhone, PersonField::kEmail};
  return {PersonField::kSsn, PersonField::kPhone, PersonField::kEmail, PersonField::kCardNumber};
}

// How many people of `count` repeat an earlier person's value, per identifying field.
template <typename Draw>
std::vector<int> repeats(Locale l, int count, Draw draw) {
  const auto fields = identifying(l);
  std::vector<std::unordered_set<std::string>> seen(fields.size());
  std::vector<int> repeated(fields.size());
  Person p;
  for (int i = 0; i < count; ++i) {
    draw(p);
    for (std::size_t f = 0; f < fields.size(); ++f) repeated[f] += !seen[f].insert(p[fields[f]]).second;
  }
  return repeated;
}

TEST(DistinctPeopleTest, NoIdentifyingValueRepeatsWhereTheGeneratorAloneRepeatsThem) {
  for (Locale l : {Locale::kZhCN, Locale::kEnUS}) {
    constexpr int kCount = 300'000;
    auto raw = make(l, 3);
    const auto before = repeats(l, kCount, [&](Person& p) { raw->next(p); });
    // The e-mail address, drawn from the name, repeats by itself (field 2 for both locales).
    ASSERT_EQ(identifying(l)[2], PersonField::kEmail);
    EXPECT_GT(before[2], 100) << locale_name(l);

    DistinctPeople people(make(l, 3), kCount);
    const auto after = repeats(l, kCount, [&](Person& p) { ASSERT_TRUE(people.next(p).ok()); });
    for (std::size_t f = 0; f < after.size(); ++f) {
      EXPECT_EQ(after[f], 0) << locale_name(l) << " " << field_name(identifying(l)[f]);
    }
    EXPECT_EQ(people.remembered(), kCount * identifying(l).size());
  }
}

TEST(DistinctPeopleTest, TheSameSeedGivesTheSamePeople) {
  DistinctPeople a(make(Locale::kEnUS, 11), 1000), b(make(Locale::kEnUS, 11), 1000);
  Person pa, pb;
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(a.next(pa).ok());
    ASSERT_TRUE(b.next(pb).ok());
    ASSERT_EQ(pa.values, pb.values);
  }
}

TEST(DistinctPeopleTest, AFullTableStopsRememberingButKeepsDrawing) {
  // 1,024 slots take 768 values: 192 en_US people's. The rest are still drawn and checked.
  DistinctPeople people(make(Locale::kEnUS, 5), 5000, 1024);
  Person p;
  for (int i = 0; i < 5000; ++i) ASSERT_TRUE(people.next(p).ok());
  EXPECT_EQ(people.remembered(), 768u);
}

// A generator with one person only: every draw after the first repeats them.
class OnePersonGenerator final : public PersonGenerator {
 public:
  void next(Person& p) override {
    p[PersonField::kIdNumber] = "11010519491231002X";
    p[PersonField::kPhone] = "13800138000";
    p[PersonField::kEmail] = "li.wei@mail.example.net";
  }
  void redraw_email(Person& p, int) override { p[PersonField::kEmail] = "li.wei@mail.example.net"; }
  Locale locale() const override { return Locale::kZhCN; }
};

TEST(DistinctPeopleTest, AUsedUpGeneratorIsAnErrorNotAHang) {
  DistinctPeople people(std::make_unique<OnePersonGenerator>(), 10);
  Person p;
  ASSERT_TRUE(people.next(p).ok());
  const Status s = people.next(p);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("used up"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace canarytrap
