#include "canarytrap/fake/person.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "canarytrap/fake/validators.h"
#include "fake/fake_fixture.h"
#include "fake/tables.h"

namespace canarytrap {
namespace {

using testing::fixed;
using testing::make;

TEST(ZhCnPersonTest, AMillionIdsPassGb11643AndMatchTheirRecord) {
  auto gen = make(Locale::kZhCN, fixed(7));
  const auto& t = fake::zh_tables();
  Person p;
  std::set<std::string> ids;
  for (int i = 0; i < 1'000'000; ++i) {
    gen->next(p);
    const std::string& id = p[PersonField::kIdNumber];
    ASSERT_TRUE(validate_resident_id(id, 2026, 11, 24).ok()) << validate_resident_id(id, 2026, 11, 24).message();
    // Date of birth and gender parity.
    ASSERT_EQ(id.substr(6, 8), p[PersonField::kBirthDate].substr(0, 4) + p[PersonField::kBirthDate].substr(5, 2) +
                                   p[PersonField::kBirthDate].substr(8, 2));
    const bool odd = (id[16] - '0') % 2 == 1;
    ASSERT_EQ(odd, p.gender == Gender::kMale) << id;
    ASSERT_EQ(p[PersonField::kGender], odd ? "男" : "女");
    // The division code is the county of the address.
    const auto& county = t.counties[t.county_by_code.at(id.substr(0, 6))];
    ASSERT_EQ(p[PersonField::kDistrict], county.self.name);
    ASSERT_EQ(p[PersonField::kCity], county.city);
    ASSERT_EQ(p[PersonField::kProvince], t.provinces[county.province].self.name);
    ASSERT_EQ(p[PersonField::kAddress].rfind(p[PersonField::kProvince], 0), 0u);
    ASSERT_NE(p[PersonField::kAddress].find(p[PersonField::kDistrict]), std::string::npos);
    // Age 18-80.
    ASSERT_GE(p.birth_year, 2026 - 81);
    ASSERT_LE(p.birth_year, 2026 - 18);
    if (i % 100 == 0) {
      ASSERT_TRUE(validate_cn_mobile(p[PersonField::kPhone]).ok()) << p[PersonField::kPhone];
      ASSERT_NE(p[PersonField::kEmail].find("@mail.example.net"), std::string::npos);
      ids.insert(id);
    }
  }
  EXPECT_GT(ids.size(), 9'990u);  // IDs are drawn, not counted up: repeats are rare
}

TEST(ZhCnPersonTest, EthnicityFollowsCensusSharesAndHomeRegions) {
  auto gen = make(Locale::kZhCN, fixed(11));
  Person p;
  std::map<std::string, int> counts;
  int uyghur_outside_xinjiang = 0;
  const int n = 200'000;
  for (int i = 0; i < n; ++i) {
    gen->next(p);
    ++counts[p[PersonField::kEthnicity]];
    if (p[PersonField::kEthnicity] == "维吾尔族" && p[PersonField::kProvince] != "新疆维吾尔自治区") {
      ++uyghur_outside_xinjiang;
    }
  }
  const double han = static_cast<double>(counts["汉族"]) / n;
  EXPECT_NEAR(han, 0.911, 0.005);
  EXPECT_GT(counts.size(), 40u);
  EXPECT_EQ(uyghur_outside_xinjiang, 0);
}

TEST(ZhCnPersonTest, SurnamesFollowFrequency) {
  auto gen = make(Locale::kZhCN, fixed(3));
  Person p;
  std::map<std::string, int> counts;
  for (int i = 0; i < 100'000; ++i) {
    gen->next(p);
    ++counts[p[PersonField::kLastName]];
  }
  // 王, 李 and 张 are each about 7% of the tables' total weight; 文 about 0.1%.
  EXPECT_GT(counts["王"], counts["文"] * 20);
  EXPECT_GT(counts["李"], 5'000);
}

// Drawn at random and without replacement alike.
TEST(EnUsPersonTest, RecordsAreConsistentAndValid) {
  for (bool unrepeated : {false, true}) {
    SCOPED_TRACE(unrepeated ? "drawn without replacement" : "drawn at random");
    auto gen = make(Locale::kEnUS, fixed(5));
    if (unrepeated) {
      EXPECT_EQ(gen->draw_without_replacement(),
                (std::vector<PersonField>{PersonField::kSsn, PersonField::kPhone, PersonField::kCardNumber}));
    }
    const auto& t = fake::en_tables();
    Person p;
    for (int i = 0; i < 200'000; ++i) {
      gen->next(p);
      ASSERT_TRUE(validate_ssn(p[PersonField::kSsn]).ok()) << p[PersonField::kSsn];
      ASSERT_TRUE(validate_nanp_phone(p[PersonField::kPhone]).ok()) << p[PersonField::kPhone];
      ASSERT_TRUE(validate_card_number(p[PersonField::kCardNumber]).ok()) << p[PersonField::kCardNumber];
      const fake::Place* place = nullptr;
      for (const auto& candidate : t.places) {
        if (candidate.city == p[PersonField::kCity] && candidate.state == p[PersonField::kState]) place = &candidate;
      }
      ASSERT_NE(place, nullptr);
      const std::string zip3 = p[PersonField::kZip].substr(0, 3);
      ASSERT_NE(std::find(place->zip3.begin(), place->zip3.end(), zip3), place->zip3.end()) << zip3;
      const std::string area = p[PersonField::kPhone].substr(0, 3);
      ASSERT_NE(std::find(place->area_codes.begin(), place->area_codes.end(), area), place->area_codes.end()) << area;
      ASSERT_EQ(p[PersonField::kName], p[PersonField::kFirstName] + " " + p[PersonField::kLastName]);
      ASSERT_EQ(p[PersonField::kGender], p.gender == Gender::kMale ? "M" : "F");
    }
  }
}

TEST(ZhCnPersonTest, MobilesDrawnWithoutReplacementAreValid) {
  auto gen = make(Locale::kZhCN, fixed(5));
  EXPECT_EQ(gen->draw_without_replacement(), std::vector<PersonField>{PersonField::kPhone});
  Person p;
  std::map<std::string, int> prefixes;
  for (int i = 0; i < 100'000; ++i) {
    gen->next(p);
    ASSERT_TRUE(validate_cn_mobile(p[PersonField::kPhone]).ok()) << p[PersonField::kPhone];
    ++prefixes[p[PersonField::kPhone].substr(0, 3)];
  }
  // Still by the carriers' weights: many prefixes, none taking all.
  EXPECT_GT(prefixes.size(), 20u);
  for (const auto& [prefix, n] : prefixes) EXPECT_LT(n, 20'000) << prefix;
}

TEST(PersonGeneratorTest, SeedMakesOutputReproducible) {
  for (Locale l : {Locale::kZhCN, Locale::kEnUS}) {
    auto a = make(l, fixed(99));
    auto b = make(l, fixed(99));
    auto c = make(l, fixed(100));
    Person pa, pb, pc;
    int differ = 0;
    for (int i = 0; i < 100; ++i) {
      a->next(pa);
      b->next(pb);
      c->next(pc);
      ASSERT_EQ(pa.values, pb.values);
      differ += pa.values != pc.values;
    }
    EXPECT_EQ(differ, 100);
  }
}

// A plant passes the births of a table's people: a students' table (born 1998-09 to
// 2004-08) with a placeholder 1900-01-01 for 10 of 210 people gets canaries born in that
// span and, about as often, on the placeholder itself, never between or beyond.
TEST(PersonGeneratorTest, BirthDatesNearTheGivenOnesWithinTheirSpan) {
  using namespace std::chrono;
  const auto day_of = [](int y, unsigned m, unsigned d) {
    return static_cast<std::int32_t>(sys_days{year{y} / m / d}.time_since_epoch().count());
  };
  const std::int32_t first = day_of(1998, 9, 1), last = day_of(2004, 8, 29), placeholder = day_of(1900, 1, 1);
  GeneratorOptions o = fixed(3);
  for (int i = 0; i < 200; ++i) o.birth_days.push_back(first + (last - first) * i / 199);
  for (int i = 0; i < 10; ++i) o.birth_days.push_back(placeholder);
  for (Locale l : {Locale::kZhCN, Locale::kEnUS}) {
    auto gen = make(l, o);
    Person p;
    int on_placeholder = 0;
    std::set<int> years;
    for (int i = 0; i < 20'000; ++i) {
      gen->next(p);
      const std::int32_t born = day_of(p.birth_year, static_cast<unsigned>(p.birth_month), static_cast<unsigned>(p.birth_day));
      on_placeholder += born == placeholder;
      ASSERT_TRUE(born == placeholder || (born >= first && born <= last)) << p[PersonField::kBirthDate];
      if (born != placeholder) years.insert(p.birth_year);
      if (l == Locale::kZhCN) {
        ASSERT_TRUE(validate_resident_id(p[PersonField::kIdNumber], 2026, 11, 24).ok()) << p[PersonField::kIdNumber];
        std::string digits = p[PersonField::kBirthDate];
        digits.erase(std::remove(digits.begin(), digits.end(), '-'), digits.end());
        ASSERT_EQ(p[PersonField::kIdNumber].substr(6, 8), digits);
      }
    }
    EXPECT_GT(on_placeholder, 20'000 * 10 / 210 / 2);
    EXPECT_LT(on_placeholder, 20'000 * 10 / 210 * 2);
    EXPECT_EQ(years, (std::set<int>{1998, 1999, 2000, 2001, 2002, 2003, 2004}));
  }
  // Births from a table dated into the future (a wrong clock) stop at today.
  GeneratorOptions future = fixed(4);
  const std::int32_t today = day_of(2026, 11, 24);
  for (int i = -50; i < 50; ++i) future.birth_days.push_back(today + i);
  auto gen = make(Locale::kZhCN, future);
  Person p;
  for (int i = 0; i < 5'000; ++i) {
    gen->next(p);
    ASSERT_TRUE(validate_resident_id(p[PersonField::kIdNumber], 2026, 11, 24).ok()) << p[PersonField::kIdNumber];
  }
}

// A plant passes where a table's people live: they live there, as often as given, and
// their IDs, addresses, phones and ethnic groups agree with it. Entries the tables do not
// know change nothing.
TEST(PersonGeneratorTest, PeopleLiveInTheGivenRegions) {
  GeneratorOptions zh = fixed(8);
  for (int i = 0; i < 30; ++i) zh.regions.push_back("310104");  // 徐汇区, 上海市
  for (int i = 0; i < 5; ++i) zh.regions.push_back("浙江省");
  for (int i = 0; i < 5; ++i) zh.regions.push_back("浙江");
  zh.regions.push_back("999999");
  auto gen = make(Locale::kZhCN, zh);
  Person p;
  int xuhui = 0;
  for (int i = 0; i < 20'000; ++i) {
    gen->next(p);
    const std::string& id = p[PersonField::kIdNumber];
    ASSERT_TRUE(validate_resident_id(id, 2026, 11, 24).ok()) << id;
    if (id.substr(0, 6) == "310104") {
      ++xuhui;
      ASSERT_EQ(p[PersonField::kProvince], "上海市");
      ASSERT_EQ(p[PersonField::kDistrict], "徐汇区");
    } else {
      ASSERT_EQ(id.substr(0, 2), "33") << id;
      ASSERT_EQ(p[PersonField::kProvince], "浙江省");
    }
    ASSERT_EQ(p[PersonField::kAddress].rfind(p[PersonField::kProvince], 0), 0u) << p[PersonField::kAddress];
    // Nobody of a group the census puts only elsewhere (壮族: 广西, 云南, 广东).
    ASSERT_NE(p[PersonField::kEthnicity], "壮族");
    ASSERT_NE(p[PersonField::kEthnicity], "维吾尔族");
  }
  EXPECT_GT(xuhui, 20'000 * 30 / 40 - 600);
  EXPECT_LT(xuhui, 20'000 * 30 / 40 + 600);

  GeneratorOptions en = fixed(8);
  en.regions = {"CA", "tx", "tx", "ZZ"};
  auto us = make(Locale::kEnUS, en);
  std::map<std::string, int> states;
  for (int i = 0; i < 20'000; ++i) {
    us->next(p);
    ASSERT_TRUE(validate_nanp_phone(p[PersonField::kPhone]).ok()) << p[PersonField::kPhone];
    ++states[p[PersonField::kState]];
  }
  EXPECT_EQ(states.size(), 2u);
  EXPECT_GT(states["TX"], states["CA"] * 3 / 2);
  EXPECT_TRUE(is_known_region(Locale::kEnUS, "ca"));
  EXPECT_FALSE(is_known_region(Locale::kEnUS, "ZZ"));
  EXPECT_TRUE(is_known_region(Locale::kZhCN, "310104"));
  EXPECT_TRUE(is_known_region(Locale::kZhCN, "上海市"));
  EXPECT_TRUE(is_known_region(Locale::kZhCN, "上海"));    // as tables often write them
  EXPECT_TRUE(is_known_region(Locale::kZhCN, "内蒙古"));
  EXPECT_FALSE(is_known_region(Locale::kZhCN, "上"));     // one character names no province
  EXPECT_FALSE(is_known_region(Locale::kZhCN, "999999"));

  // Only unknown entries: anywhere, as without any.
  GeneratorOptions unknown = fixed(8);
  unknown.regions = {"ZZ"};
  auto anywhere = make(Locale::kEnUS, unknown);
  states.clear();
  for (int i = 0; i < 5'000; ++i) {
    anywhere->next(p);
    ++states[p[PersonField::kState]];
  }
  EXPECT_GT(states.size(), 30u);
}

// A plant passes the share of men among a table's people: names, ID parity and the gender
// field follow it.
TEST(PersonGeneratorTest, MenAndWomenInTheGivenShare) {
  for (Locale l : {Locale::kZhCN, Locale::kEnUS}) {
    for (const double share : {0.0, 0.8}) {
      GeneratorOptions o = fixed(6);
      o.male_share = share;
      auto gen = make(l, o);
      Person p;
      int men = 0;
      for (int i = 0; i < 10'000; ++i) {
        gen->next(p);
        men += p.gender == Gender::kMale;
        if (l == Locale::kZhCN) {
          ASSERT_EQ((p[PersonField::kIdNumber][16] - '0') % 2 == 1, p.gender == Gender::kMale);
          ASSERT_EQ(p[PersonField::kGender], p.gender == Gender::kMale ? "男" : "女");
        } else {
          ASSERT_EQ(p[PersonField::kGender], p.gender == Gender::kMale ? "M" : "F");
        }
      }
      EXPECT_NEAR(men, 10'000 * share, 250) << locale_name(l) << " " << share;
    }
  }
}

// A plant passes the ethnic groups of a table's people, in whatever form the table writes
// them: each person is of one of them, as often as given; unknown entries change nothing.
TEST(PersonGeneratorTest, PeopleOfTheGivenEthnicGroups) {
  for (const bool with_regions : {false, true}) {
    GeneratorOptions o = fixed(12);
    for (int i = 0; i < 6; ++i) o.ethnicities.push_back(i % 2 == 0 ? "维吾尔族" : "05");
    for (int i = 0; i < 3; ++i) o.ethnicities.push_back("汉");
    o.ethnicities.push_back("kz");        // 哈萨克族 by its letters
    o.ethnicities.push_back("穿青人");     // no recognized group: ignored
    if (with_regions) o.regions = {"650102"};  // 天山区, 乌鲁木齐市
    auto gen = make(Locale::kZhCN, o);
    Person p;
    std::map<std::string, int> groups;
    for (int i = 0; i < 10'000; ++i) {
      gen->next(p);
      ++groups[p[PersonField::kEthnicity]];
      ASSERT_TRUE(validate_resident_id(p[PersonField::kIdNumber], 2026, 11, 24).ok()) << p[PersonField::kIdNumber];
      if (with_regions) {
        ASSERT_EQ(p[PersonField::kIdNumber].substr(0, 6), "650102");
      }
    }
    SCOPED_TRACE(with_regions ? "with regions" : "anywhere");
    EXPECT_EQ(groups.size(), 3u);
    EXPECT_NEAR(groups["维吾尔族"], 6'000, 250);
    EXPECT_NEAR(groups["汉族"], 3'000, 250);
    EXPECT_NEAR(groups["哈萨克族"], 1'000, 150);
  }

  GeneratorOptions unknown = fixed(12);
  unknown.ethnicities = {"穿青人", "99"};
  auto census = make(Locale::kZhCN, unknown);
  Person p;
  std::set<std::string> groups;
  for (int i = 0; i < 5'000; ++i) {
    census->next(p);
    groups.insert(p[PersonField::kEthnicity]);
  }
  EXPECT_GT(groups.size(), 10u);
}

// With turkic_names, people of the groups whose records name them so get their own name, a
// middle dot and their father's (艾尔肯·买买提), the e-mail address from the pinyin of both;
// everyone else, and everyone without it, a Han name.
TEST(PersonGeneratorTest, TurkicNamesForTheGroupsNamedSo) {
  const auto& t = fake::zh_tables();
  const auto listed = [](const std::vector<fake::NamePart>& names, const std::string& part) {
    return std::any_of(names.begin(), names.end(), [&](const fake::NamePart& n) { return n.text == part; });
  };
  for (const bool turkic : {true, false}) {
    GeneratorOptions o = fixed(14);
    o.ethnicities = {"维吾尔族", "哈萨克族", "汉族", "回族"};
    o.turkic_names = turkic;
    auto gen = make(Locale::kZhCN, o);
    Person p;
    int dotted = 0;
    for (int i = 0; i < 4'000; ++i) {
      gen->next(p);
      const std::string& name = p[PersonField::kName];
      const auto dot = name.find("·");
      const bool named_so = p[PersonField::kEthnicity] == "维吾尔族" || p[PersonField::kEthnicity] == "哈萨克族";
      ASSERT_EQ(dot != std::string::npos, turkic && named_so) << name << " " << p[PersonField::kEthnicity];
      if (dot == std::string::npos) continue;
      ++dotted;
      const std::string own = name.substr(0, dot), father = name.substr(dot + std::string("·").size());
      ASSERT_TRUE(listed(p.gender == Gender::kMale ? t.turkic_male : t.turkic_female, own)) << name;
      ASSERT_TRUE(listed(t.turkic_male, father)) << name;
      ASSERT_EQ(p[PersonField::kFirstName], own);
      ASSERT_EQ(p[PersonField::kLastName], father);
      ASSERT_NE(p[PersonField::kEmail].find(p.given_latin), std::string::npos) << p[PersonField::kEmail];
      ASSERT_TRUE(validate_resident_id(p[PersonField::kIdNumber], 2026, 11, 24).ok());
    }
    if (turkic) {
      EXPECT_NEAR(dotted, 2'000, 150);
    }
  }
}

// With tibetan_names, people of the groups whose records name them so get two name elements
// and no surname (扎西多吉, 次仁卓玛): a man's two of the men's elements, a woman's ending in one
// of the women's. turkic_names alone leaves them Han names.
TEST(PersonGeneratorTest, TibetanNamesForTheGroupsNamedSo) {
  const auto& t = fake::zh_tables();
  const auto element = [](const std::vector<fake::NamePart>& v, std::string_view part) {
    return std::any_of(v.begin(), v.end(), [&](const fake::NamePart& n) { return n.text == part; });
  };
  for (const bool tibetan : {true, false}) {
    GeneratorOptions o = fixed(15);
    o.ethnicities = {"藏族", "藏族", "汉族"};
    o.tibetan_names = tibetan;
    o.turkic_names = true;
    auto gen = make(Locale::kZhCN, o);
    Person p;
    int named_so = 0;
    for (int i = 0; i < 3'000; ++i) {
      gen->next(p);
      const std::string& name = p[PersonField::kName];
      const bool two_elements = name.size() == 12 && element(t.tibetan_male, name.substr(0, 6)) +
                                                             element(t.tibetan_female, name.substr(0, 6)) ==
                                                         1;
      const bool expected = tibetan && p[PersonField::kEthnicity] == "藏族";
      if (!expected) {
        ASSERT_FALSE(two_elements && element(p.gender == Gender::kMale ? t.tibetan_male : t.tibetan_female,
                                             name.substr(6))) << name;
        continue;
      }
      ++named_so;
      ASSERT_TRUE(two_elements) << name;
      const std::string first = name.substr(0, 6), second = name.substr(6);
      if (p.gender == Gender::kMale) {
        ASSERT_TRUE(element(t.tibetan_male, first) && element(t.tibetan_male, second)) << name;
      } else {
        ASSERT_TRUE(element(t.tibetan_female, second)) << name;
      }
      ASSERT_NE(first, second);
      ASSERT_EQ(p[PersonField::kLastName], first);
      ASSERT_EQ(p[PersonField::kFirstName], second);
      ASSERT_NE(p[PersonField::kEmail].find(p.given_latin), std::string::npos) << p[PersonField::kEmail];
    }
    if (tibetan) {
      EXPECT_NEAR(named_so, 2'000, 150);
    }
  }
}

TEST(PersonGeneratorTest, UnseededGeneratorsDiffer) {
  GeneratorOptions o;
  auto a = make(Locale::kZhCN, o);
  auto b = make(Locale::kZhCN, o);
  Person pa, pb;
  a->next(pa);
  b->next(pb);
  EXPECT_NE(pa[PersonField::kIdNumber], pb[PersonField::kIdNumber]);
}

TEST(PersonGeneratorTest, RedrawnEmailKeepsTheName) {
  auto gen = make(Locale::kEnUS, fixed(1));
  Person p;
  gen->next(p);
  std::set<std::string> emails;
  std::string last = p[PersonField::kLastName];
  for (auto& c : last) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (int attempt = 1; attempt <= 50; ++attempt) {
    gen->redraw_email(p, attempt);
    const std::string& email = p[PersonField::kEmail];
    EXPECT_NE(email.find(last), std::string::npos) << email;
    emails.insert(email);
    // Later attempts add digits: a name's addresses cannot run out.
    const auto digits = std::count_if(email.begin(), email.begin() + static_cast<std::ptrdiff_t>(email.find('@')),
                                      [](char c) { return c >= '0' && c <= '9'; });
    EXPECT_GE(digits, attempt) << email;
  }
  EXPECT_GT(emails.size(), 10u);
}

TEST(PersonGeneratorTest, BadMailDomainAndLocaleAreErrors) {
  GeneratorOptions o;
  o.mail_domains = {"not a domain"};
  EXPECT_FALSE(PersonGenerator::create(Locale::kZhCN, o));
  EXPECT_FALSE(parse_locale("fr_FR"));
  EXPECT_TRUE(parse_locale("zh-CN"));
  EXPECT_FALSE(parse_person_field("shoe_size"));
  for (std::size_t i = 0; i < kPersonFieldCount; ++i) {
    auto f = static_cast<PersonField>(i);
    EXPECT_EQ(*parse_person_field(field_name(f)), f);
  }
}

}  // namespace
}  // namespace canarytrap
