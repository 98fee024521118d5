#include "canarytrap/fake/distinct_people.h"

#include <gtest/gtest.h>

#include <array>
#include <unordered_set>

#include "fake/fake_fixture.h"

namespace canarytrap {
namespace {

std::unique_ptr<PersonGenerator> make(Locale l, std::uint64_t seed) { return testing::make(l, testing::fixed(seed)); }

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
    // Phones, SSNs and card numbers are drawn without replacement; the rest is remembered.
    EXPECT_EQ(people.remembered(), kCount * (l == Locale::kZhCN ? 2u : 1u));
  }
}

// Phones, SSNs and card numbers never repeat even when the table of remembered values is
// full: they do not depend on it. Their digits still spread as a random draw's do.
TEST(DistinctPeopleTest, ValuesDrawnWithoutReplacementNeedNoTable) {
  constexpr int kCount = 200'000;
  {
    DistinctPeople people(make(Locale::kEnUS, 8), kCount, 1024);  // full after 768 values
    std::unordered_set<std::string> ssns, phones, cards;
    std::array<int, 10> ssn_first{}, exchange_first{}, line_last{}, card_before_check{};
    Person p;
    for (int i = 0; i < kCount; ++i) {
      ASSERT_TRUE(people.next(p).ok());
      const std::string &ssn = p[PersonField::kSsn], &phone = p[PersonField::kPhone], &card = p[PersonField::kCardNumber];
      ASSERT_TRUE(ssns.insert(ssn).second) << ssn;
      ASSERT_TRUE(phones.insert(phone).second) << phone;
      ASSERT_TRUE(cards.insert(card).second) << card;
      ++ssn_first[ssn[0] - '0'];
      ++exchange_first[phone[4] - '0'];
      ++line_last[phone.back() - '0'];
      ++card_before_check[card[card.size() - 2] - '0'];
    }
    EXPECT_LE(people.remembered(), 768u);
    // Areas 001-899: first digits 0-8 about equally often; exchanges 200-999; lines and
    // card digits 0-9 (a shuffle counted up in order would pile into the first values).
    for (int d = 0; d <= 8; ++d) EXPECT_NEAR(ssn_first[d], kCount / 9, kCount / 90) << d;
    EXPECT_EQ(ssn_first[9], 0);
    for (int d = 2; d <= 9; ++d) EXPECT_NEAR(exchange_first[d], kCount / 8, kCount / 80) << d;
    for (int d = 0; d <= 9; ++d) EXPECT_NEAR(line_last[d], kCount / 10, kCount / 100) << d;
    for (int d = 0; d <= 9; ++d) EXPECT_NEAR(card_before_check[d], kCount / 10, kCount / 100) << d;
  }
  {
    DistinctPeople people(make(Locale::kZhCN, 8), kCount, 1024);
    std::unordered_set<std::string> phones;
    std::array<int, 10> last{};
    Person p;
    for (int i = 0; i < kCount; ++i) {
      ASSERT_TRUE(people.next(p).ok());
      ASSERT_TRUE(phones.insert(p[PersonField::kPhone]).second) << p[PersonField::kPhone];
      ++last[p[PersonField::kPhone].back() - '0'];
    }
    for (int d = 0; d <= 9; ++d) EXPECT_NEAR(last[d], kCount / 10, kCount / 100) << d;
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
