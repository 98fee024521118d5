// Canaries of the table's people's ages, genders and places (src/plant/table_people.cpp).
#include <algorithm>
#include <cctype>
#include <iterator>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "canarytrap/core/normalize.h"
#include "fake/tables.h"
#include "plant/dates.h"
#include "plant/plant_fixture.h"
#include "plant/table_people.h"

namespace canarytrap::testing {
namespace {

using TablePeopleTest = PlantTest;

// A students' table (born 1998-09 to 2004-08) gets students, not people of 18 to 80: a
// birth year filter would otherwise have picked out nine canaries in ten. Learned from the
// birth date column, or, where there is none, from the dates inside the resident IDs.
TEST_F(TablePeopleTest, CanariesAreBornWhenTheTablesPeopleWere) {
  for (const bool from_ids : {false, true}) {
    SCOPED_TRACE(from_ids ? "from the IDs" : "from the birth dates");
    const auto file = dir_ / (from_ids ? "students-ids.csv" : "students.csv");
    std::string text = from_ids ? "xm,sfzh\n" : "xm,csrq\n";
    std::string first = "9999", last = "0000";
    for (int i = 0; i < 1000; ++i) {
      const std::string born = table_dates::format_seconds("%Y%m%d", 904'608'000 /* 1998-09-01 */ + i * 189'043);
      first = std::min(first, born), last = std::max(last, born);
      text += "name" + std::to_string(i) + "," +
              (from_ids ? "110105" + born + std::to_string(100 + i % 900) + "X"
                        : born.substr(0, 4) + "-" + born.substr(4, 2) + "-" + born.substr(6, 2)) + "\n";
    }
    write_file(file, text);
    auto r = plant_into(file.string(), "", from_ids ? "ids" : "births", 300);
    ASSERT_TRUE(r) << r.status().message();
    EXPECT_NE(r->plan.columns[1].describe().find("births near the table's"), std::string::npos);
    int canaries = 0, outside = 0;
    for (const auto& line : lines_of(read_file(file))) {
      if (line.rfind("name", 0) == 0 || line.rfind("xm,", 0) == 0) continue;
      ++canaries;
      std::string born = line.substr(line.find(',') + 1);
      born = from_ids ? born.substr(6, 8) : born.substr(0, 4) + born.substr(5, 2) + born.substr(8, 2);
      outside += born < first || born > last;
    }
    EXPECT_EQ(canaries, 300);
    EXPECT_EQ(outside, 0) << first << " to " << last;
  }
}

// A table of one city's people (Shanghai, by their IDs and province column) gets Shanghai
// people: a filter on the ID's province digits would otherwise have picked out 49 canaries
// in 50.
TEST_F(TablePeopleTest, CanariesLiveWhereTheTablesPeopleLive) {
  const auto file = dir_ / "shanghai.csv";
  std::string text = "xm,sfzh,sheng\n";
  const char* const districts[] = {"310101", "310104", "310105", "310106", "310107"};
  for (int i = 0; i < 500; ++i) {
    text += "name" + std::to_string(i) + "," + districts[i % 5] + "19800101" + std::to_string(100 + i) + "X,上海市\n";
  }
  write_file(file, text);
  auto r = plant_into(file.string(), "", "shanghai", 300);
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_NE(r->plan.columns[1].describe().find("places as the table's"), std::string::npos) << r->plan.columns[1].describe();
  int canaries = 0, elsewhere = 0;
  for (const auto& line : lines_of(read_file(file))) {
    if (line.rfind("name", 0) == 0 || line.rfind("xm,", 0) == 0) continue;
    ++canaries;
    const std::string id = line.substr(line.find(',') + 1, 18);
    elsewhere += std::find(std::begin(districts), std::end(districts), id.substr(0, 6)) == std::end(districts) ||
                 line.substr(line.rfind(',') + 1) != "上海市";
  }
  EXPECT_EQ(canaries, 300);
  EXPECT_EQ(elsewhere, 0);

  // The province written short (上海), with no IDs: canaries there, written so.
  const auto short_file = dir_ / "shanghai-short.csv";
  std::string short_text = "xm,sheng,sjhm\n";
  for (int i = 0; i < 300; ++i) short_text += "name" + std::to_string(i) + ",上海," + std::to_string(13800001000LL + i) + "\n";
  write_file(short_file, short_text);
  auto s = plant_into(short_file.string(), "", "shanghai-short", 100);
  ASSERT_TRUE(s) << s.status().message();
  EXPECT_EQ(s->plan.columns[1].describe(), "<- province in short (上海, 广西), places as the table's");
  int short_canaries = 0;
  for (const auto& line : added_lines(read_file(short_file), short_text)) {
    ++short_canaries;
    EXPECT_NE(line.find(",上海,"), std::string::npos) << line;
  }
  EXPECT_EQ(short_canaries, 100);
  EXPECT_EQ(short_province_name("广西壮族自治区"), "广西");
  EXPECT_EQ(short_province_name("内蒙古自治区"), "内蒙古");
  EXPECT_EQ(short_province_name("黑龙江省"), "黑龙江");
}

// A table of women (a maternity ward's), by the gender column or by the IDs' parity alone,
// gets women: a filter on 男, or on an odd 17th ID digit, would otherwise have picked out
// half the canaries.
TEST_F(TablePeopleTest, CanariesAreMenAndWomenAsTheTablesPeopleAre) {
  for (const bool gender_column : {true, false}) {
    SCOPED_TRACE(gender_column ? "gender column" : "IDs only");
    const auto file = dir_ / (gender_column ? "ward.csv" : "ward-ids.csv");
    std::string text = gender_column ? "xm,xb,sfzh\n" : "xm,sfzh\n";
    for (int i = 0; i < 400; ++i) {
      const std::string id = "31010419" + std::to_string(80 + i % 20) + "0101" + std::to_string(100 + 2 * (i % 400) % 900) + "X";
      text += "name" + std::to_string(i) + "," + (gender_column ? "女," : "") + id + "\n";
    }
    write_file(file, text);
    auto r = plant_into(file.string(), "", gender_column ? "ward" : "ward-ids", 300);
    ASSERT_TRUE(r) << r.status().message();
    const ColumnPlan& learned_from = r->plan.columns[1];
    EXPECT_NE(learned_from.describe().find("men and women as the table's"), std::string::npos) << learned_from.describe();
    int canaries = 0, men = 0;
    for (const auto& line : lines_of(read_file(file))) {
      if (line.rfind("name", 0) == 0 || line.rfind("xm,", 0) == 0) continue;
      ++canaries;
      const std::string id = line.substr(line.rfind(',') + 1);
      ASSERT_EQ(id.size(), 18u) << line;
      men += (id[16] - '0') % 2 == 1;
      if (gender_column) {
        EXPECT_NE(line.find(",女,"), std::string::npos) << line;
      }
    }
    EXPECT_EQ(canaries, 300);
    EXPECT_EQ(men, 0);
  }
}

// A zh_CN table whose names are pinyin (an airline's or a hotel's export) gets pinyin names
// in its own case, order and separator, and each canary's name + birth date fingerprint is
// that name, for the scanner to find.
TEST_F(TablePeopleTest, ANameColumnInPinyinGetsPinyinNames) {
  struct Case {
    std::string name;
    bool upper, family_first;
    std::string separator;
  };
  const std::vector<std::pair<std::string, std::string>> people = {
      {"zhang", "wei"}, {"wang", "fang"}, {"li", "jiayi"}, {"liu", "xiaoming"}, {"chen", "lei"}, {"yang", "na"}};
  const auto& surnames = fake::zh_tables().surnames;
  const auto is_surname = [&](std::string word) {
    for (char& ch : word) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return std::any_of(surnames.begin(), surnames.end(), [&](const auto& s) { return s.pinyin == word; });
  };
  for (const Case& c : {Case{"upper", true, true, " "}, Case{"title", false, false, " "}, Case{"comma", false, true, ", "}}) {
    SCOPED_TRACE(c.name);
    PinyinForm form;
    form.letter_case = c.upper ? PinyinForm::Case::kUpper : PinyinForm::Case::kTitle;
    form.family_first = c.family_first;
    form.separator = c.separator;
    const auto file = dir_ / ("pinyin-" + c.name + ".csv");
    std::string text = "xm,csrq,sfzh\n";
    for (int i = 0; i < 300; ++i) {
      const auto& [family, given] = people[static_cast<std::size_t>(i) % people.size()];
      text += "\"" + form.write(family, given) + "\",1985-03-0" + std::to_string(1 + i % 9) + ",11010519850301" +
              std::to_string(1000 + i) + "\n";
    }
    write_file(file, text);
    auto r = plant_into(file.string(), "", "pinyin-" + c.name, 40);
    ASSERT_TRUE(r) << r.status().message();
    ASSERT_TRUE(r->plan.columns[0].pinyin) << r->plan.columns[0].describe();
    EXPECT_NE(r->plan.columns[0].describe().find("in pinyin like " + form.write("zhang", "jiayi")), std::string::npos)
        << r->plan.columns[0].describe();
    int canaries = 0;
    for (const auto& line : added_lines(read_file(file), text)) {
      ++canaries;
      const std::string name = line.substr(1, line.find('"', 1) - 1);
      const auto at = name.find(c.separator);
      ASSERT_NE(at, std::string::npos) << line;
      const std::string first = name.substr(0, at), second = name.substr(at + c.separator.size());
      const std::string family = c.family_first ? first : second, given = c.family_first ? second : first;
      EXPECT_TRUE(is_surname(family)) << line;
      EXPECT_EQ(name, form.write(family, given)) << line;  // the case, all but the first letters too
      EXPECT_TRUE(std::all_of(name.begin(), name.end(), [](unsigned char ch) { return ch < 0x80; })) << line;
      const std::string born = line.substr(line.find("\",") + 2, 10);
      const auto print = normalize_fingerprint("name_dob", given + " " + family + "|" + born);
      ASSERT_TRUE(print) << line;
      EXPECT_EQ(column(dir_ / "registry.db", "SELECT count(*) FROM fingerprint WHERE kind = 'name_dob' AND normalized = '" +
                                                 *print + "'")[0],
                "1")
          << *print;
    }
    EXPECT_EQ(canaries, 40);
  }
  // Names in characters stay in characters.
  const auto file = dir_ / "hanzi.csv";
  std::string text = "xm,sfzh\n";
  for (int i = 0; i < 100; ++i) text += "张伟,11010519850301" + std::to_string(1000 + i) + "\n";
  write_file(file, text);
  auto r = plant_into(file.string(), "", "hanzi", 1, {}, Locale::kZhCN, true);
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_FALSE(r->plan.columns[0].pinyin);
}

// Addresses written without the province (石家庄市鹿泉区…; a municipality's as 上海市黄浦区…),
// or from the district on (鹿泉区…), get canary addresses written so: a filter on 省 would
// otherwise have picked out every canary.
TEST_F(TablePeopleTest, AddressesStartWhereTheTablesDo) {
  const auto& provinces = fake::zh_tables().provinces;
  const auto province_at_start = [&](std::string_view address) -> const fake::Province* {
    for (const auto& p : provinces) {
      if (address.substr(0, p.self.name.size()) == p.self.name) return &p;
    }
    return nullptr;
  };
  for (const bool with_city : {true, false}) {
    SCOPED_TRACE(with_city ? "from the city" : "from the district");
    GeneratorOptions options;
    options.seed = 12;
    auto gen = PersonGenerator::create(Locale::kZhCN, options);
    ASSERT_TRUE(gen);
    const auto file = dir_ / (with_city ? "from-city.csv" : "from-district.csv");
    std::string text = "xm,sfzh,zz\n";
    Person person;
    for (int i = 0; i < 400; ++i) {
      (*gen)->next(person);
      const std::string& province = person[PersonField::kProvince];
      const std::string& city = person[PersonField::kCity];
      std::string address = person[PersonField::kAddress].substr(province.size());
      if (with_city && city == province) address = province + address;
      if (!with_city && city != province) address = address.substr(city.size());
      text += person[PersonField::kName] + "," + person[PersonField::kIdNumber] + "," + address + "\n";
    }
    write_file(file, text);
    auto r = plant_into(file.string(), "", with_city ? "from-city" : "from-district", 200);
    ASSERT_TRUE(r) << r.status().message();
    EXPECT_EQ(r->plan.columns[2].describe(),
              with_city ? "<- address as city, district, street" : "<- address as district, street");
    int canaries = 0, municipalities = 0;
    for (const auto& line : added_lines(read_file(file), text)) {
      ++canaries;
      const std::string address = line.substr(line.rfind(',') + 1);
      const fake::Province* p = province_at_start(address);
      if (with_city && p) {
        EXPECT_TRUE(p->municipality) << line;  // 上海市黄浦区…, as the table writes it
        ++municipalities;
      } else {
        EXPECT_EQ(p, nullptr) << line;
      }
      EXPECT_NE(address.find("号"), std::string::npos) << line;
    }
    EXPECT_EQ(canaries, 200);
    EXPECT_EQ(municipalities > 0, with_city);
  }
}

// A table with ages and no birth date (a mailing list of students, 18 to 25) gets
// canaries of those ages, not 18 to 80.
TEST_F(TablePeopleTest, CanariesAreOfTheTablesAgesWhereOnlyAgesAreKept) {
  const auto file = dir_ / "students.csv";
  std::string text = "name,age,email\n";
  for (int i = 0; i < 300; ++i) {
    text += "Student " + std::string(1, static_cast<char>('A' + i % 26)) + "," + std::to_string(18 + i % 8) + ",s" +
            std::to_string(i) + "@x.example\n";
  }
  write_file(file, text);
  auto r = plant_into(file.string(), "", "students", 200, {}, Locale::kEnUS);
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_EQ(r->plan.columns[1].describe(), "<- age (from birth_date, on the plant's date), ages as the table's");
  int canaries = 0;
  std::set<int> ages;
  for (const auto& line : added_lines(read_file(file), text)) {
    ++canaries;
    const auto first = line.find(',');
    ages.insert(std::stoi(line.substr(first + 1, line.find(',', first + 1) - first - 1)));
  }
  EXPECT_EQ(canaries, 200);
  EXPECT_EQ(ages, (std::set<int>{18, 19, 20, 21, 22, 23, 24, 25}));
}

// A US table whose address column holds the street line alone, the city, state and ZIP in
// columns of their own, gets street lines there, not "7268 Hickory Way, Dallas, TX 75125".
TEST_F(TablePeopleTest, AnAddressColumnOfStreetLinesGetsStreetLines) {
  GeneratorOptions options;
  options.seed = 13;
  auto gen = PersonGenerator::create(Locale::kEnUS, options);
  ASSERT_TRUE(gen);
  for (const bool street_only : {true, false}) {
    SCOPED_TRACE(street_only ? "street lines" : "whole addresses");
    const auto file = dir_ / (street_only ? "us-streets.csv" : "us-addresses.csv");
    std::string text = "name,address,city,state,zip,email\n";
    Person person;
    for (int i = 0; i < 300; ++i) {
      (*gen)->next(person);
      text += person[PersonField::kName] + ",\"" + person[PersonField::kStreet] +
              (street_only ? std::string() : ", " + person[PersonField::kCity] + ", " + person[PersonField::kState] + " " + person[PersonField::kZip]) +
              "\"," + person[PersonField::kCity] + "," + person[PersonField::kState] + "," + person[PersonField::kZip] +
              ",u" + std::to_string(i) + "@x.example\n";
    }
    write_file(file, text);
    auto r = plant_into(file.string(), "", street_only ? "us-streets" : "us-addresses", 100, {}, Locale::kEnUS);
    ASSERT_TRUE(r) << r.status().message();
    EXPECT_EQ(r->plan.columns[1].describe(), street_only ? "<- address as the street alone" : "<- address");
    int canaries = 0;
    for (const auto& line : added_lines(read_file(file), text)) {
      ++canaries;
      const auto open = line.find('"');
      const std::string address = line.substr(open + 1, line.find('"', open + 1) - open - 1);
      EXPECT_EQ(address.find(',') == std::string::npos, street_only) << line;
    }
    EXPECT_EQ(canaries, 100);
  }
}

// A table of one region's people (six in ten Uyghur), or of Han people alone, gets canaries
// of its own groups in its own shares, written as it writes them (维吾尔族, 维吾尔, 05, 5,
// UG): a filter on 汉族 in the first, on anything else in the second, or on 族 where the
// table writes 汉, would otherwise have picked out canaries.
TEST_F(TablePeopleTest, CanariesAreOfTheTablesEthnicGroupsWrittenAsItWritesThem) {
  struct Case {
    std::string name;
    std::vector<std::string> groups;  // 维吾尔族, 汉族, 哈萨克族 as the table writes them
    std::string described;
  };
  const Case cases[] = {
      {"names", {"维吾尔族", "汉族", "哈萨克族"}, ", ethnic groups as the table's"},
      {"short", {"维吾尔", "汉", "哈萨克"}, "in short (汉, 维吾尔)"},
      {"codes", {"05", "01", "17"}, "as GB/T 3304 codes (01)"},
      {"numbers", {"5", "1", "17"}, "as GB/T 3304 numbers (1)"},
      {"letters", {"UG", "HA", "KZ"}, "as GB/T 3304 letters (HA)"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const auto file = dir_ / ("groups-" + c.name + ".csv");
    std::string text = "xm,mz,sjhm\n";
    for (int i = 0; i < 400; ++i) {
      const std::string& group = c.groups[i % 10 < 6 ? 0 : i % 10 < 9 ? 1 : 2];
      text += "name" + std::to_string(i) + "," + group + ",138" + std::to_string(10'000'000 + i * 7919) + "\n";
    }
    write_file(file, text);
    auto r = plant_into(file.string(), "", "groups-" + c.name, 300);
    ASSERT_TRUE(r) << r.status().message();
    const std::string described = r->plan.columns[1].describe();
    EXPECT_NE(described.find(c.described), std::string::npos) << described;
    EXPECT_NE(described.find("ethnic groups as the table's"), std::string::npos) << described;
    std::map<std::string, int> written;
    for (const auto& line : added_lines(read_file(file), text)) {
      const auto first = line.find(','), second = line.find(',', first + 1);
      ++written[line.substr(first + 1, second - first - 1)];
    }
    EXPECT_EQ(written.size(), 3u);
    EXPECT_NEAR(written[c.groups[0]], 180, 40);
    EXPECT_NEAR(written[c.groups[1]], 90, 35);
    EXPECT_NEAR(written[c.groups[2]], 30, 20);
  }

  // Han people only: no canary of another group.
  const auto han = dir_ / "han.csv";
  std::string text = "xm,mz,sjhm\n";
  for (int i = 0; i < 400; ++i) text += "name" + std::to_string(i) + ",汉族,139" + std::to_string(10'000'000 + i * 7919) + "\n";
  write_file(han, text);
  ASSERT_TRUE(plant_into(han.string(), "", "han", 500));
  for (const auto& line : added_lines(read_file(han), text)) EXPECT_NE(line.find(",汉族,"), std::string::npos) << line;
}

// A table whose Uyghur people are named the Turkic way (艾尔肯·买买提) gets Uyghur canaries
// named so: a filter on a Uyghur without a middle dot in the name would otherwise have
// picked out every one. Their name + birth date fingerprint is that name, for the scanner.
TEST_F(TablePeopleTest, TurkicNamesWhereTheTableWritesThem) {
  for (const bool dotted : {true, false}) {
    SCOPED_TRACE(dotted ? "dotted names" : "Han names only");
    const auto file = dir_ / (dotted ? "xinjiang.csv" : "xinjiang-han-names.csv");
    std::string text = "xm,mz,csrq,sjhm\n";
    for (int i = 0; i < 300; ++i) {
      const bool uyghur = i % 3 != 0;
      const std::string name = uyghur && dotted ? (i % 2 ? "艾尔肯·买买提" : "古丽·吐尔逊") : "张伟";
      text += name + "," + (uyghur ? "维吾尔族" : "汉族") + ",1990-01-0" + std::to_string(1 + i % 9) + ",136" +
              std::to_string(10'000'000 + i * 7919) + "\n";
    }
    write_file(file, text);
    auto r = plant_into(file.string(), "", dotted ? "dotted" : "undotted", 200);
    ASSERT_TRUE(r) << r.status().message();
    EXPECT_EQ(r->plan.columns[0].describe().find("Turkic names") != std::string::npos, dotted)
        << r->plan.columns[0].describe();
    int uyghur = 0, named_so = 0;
    for (const auto& line : added_lines(read_file(file), text)) {
      const std::string name = line.substr(0, line.find(','));
      const bool dot = name.find("·") != std::string::npos;
      if (line.find(",维吾尔族,") != std::string::npos) {
        ++uyghur;
        named_so += dot;
        EXPECT_EQ(dot, dotted) << line;
      } else {
        EXPECT_FALSE(dot) << line;
      }
      if (!dot) continue;
      const std::string born = line.substr(line.find(",维吾尔族,") + std::string(",维吾尔族,").size(), 10);
      const auto print = normalize_fingerprint("name_dob", name + "|" + born);
      ASSERT_TRUE(print);
      EXPECT_EQ(column(dir_ / "registry.db",
                       "SELECT count(*) FROM fingerprint WHERE kind = 'name_dob' AND normalized = '" + *print + "'")[0],
                "1")
          << *print;
    }
    EXPECT_GT(uyghur, 100);
    EXPECT_EQ(named_so, dotted ? uyghur : 0);
  }
}

// A table of Tibetan people named the Tibetan way (扎西多吉, 次仁卓玛) gets Tibetan canaries
// named so: a Han surname on a 藏族 row would otherwise have picked them out.
TEST_F(TablePeopleTest, TibetanNamesWhereTheTableWritesThem) {
  const auto file = dir_ / "lhasa.csv";
  std::string text = "xm,mz,csrq,sjhm\n";
  const char* const names[] = {"扎西多吉", "次仁卓玛", "格桑拉姆", "旦增平措"};
  for (int i = 0; i < 300; ++i) {
    const bool tibetan = i % 4 != 0;
    text += std::string(tibetan ? names[i % 4] : "张伟") + "," + (tibetan ? "藏族" : "汉族") + ",1990-01-0" +
            std::to_string(1 + i % 9) + ",139" + std::to_string(20'000'000 + i * 7919) + "\n";
  }
  write_file(file, text);
  auto r = plant_into(file.string(), "", "lhasa", 200);
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_NE(r->plan.columns[0].describe().find("Tibetan names (扎西多吉) as the table's"), std::string::npos)
      << r->plan.columns[0].describe();
  EXPECT_EQ(r->plan.columns[0].describe().find("Turkic"), std::string::npos);
  const auto& t = fake::zh_tables();
  const auto element = [&t](const std::string& e) {
    for (const auto* v : {&t.tibetan_male, &t.tibetan_female}) {
      for (const auto& n : *v) {
        if (n.text == e) return true;
      }
    }
    return false;
  };
  int tibetan = 0;
  for (const auto& line : added_lines(read_file(file), text)) {
    const std::string name = line.substr(0, line.find(','));
    const bool two_elements = name.size() == 12 && element(name.substr(0, 6)) && element(name.substr(6));
    if (line.find(",藏族,") == std::string::npos) continue;
    ++tibetan;
    EXPECT_TRUE(two_elements) << line;
  }
  EXPECT_GT(tibetan, 100);
}

// An INTEGER column of GB/T 3304 numbers takes canaries' numbers, where it could take no
// name at all (the plant stopped: "cannot hold ethnicity values like '汉族'").
TEST_F(TablePeopleTest, AnIntegerColumnOfEthnicGroupCodesGetsCodes) {
  const auto db = dir_ / "codes.db";
  std::string rows;
  for (int i = 0; i < 200; ++i) {
    rows += std::string(rows.empty() ? "" : ", ") + "('name" + std::to_string(i) + "', " + (i % 4 == 0 ? "3" : "1") +
            ", '137" + std::to_string(10'000'000 + i * 7919) + "')";
  }
  sql(db, "CREATE TABLE ry (id INTEGER PRIMARY KEY, xm TEXT, mz INTEGER NOT NULL, sjhm TEXT); INSERT INTO ry (xm, mz, sjhm) VALUES " + rows);
  auto r = plant_into("sqlite:" + db.string(), "ry", "codes", 200);
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_EQ(column(db, "SELECT count(*) FROM ry WHERE id > 200 AND typeof(mz) = 'integer' AND mz IN (1, 3)"),
            std::vector<std::string>{"200"});
  const auto hui = std::stoi(column(db, "SELECT count(*) FROM ry WHERE id > 200 AND mz = 3").at(0));
  EXPECT_NEAR(hui, 50, 25);
}

TEST(EthnicityFormTest, EveryGroupReadsBackFromEveryForm) {
  using Form = ColumnPlan::EthnicityForm;
  const auto& t = fake::zh_tables();
  ASSERT_EQ(t.ethnicities.size(), 56u);
  for (std::uint32_t i = 0; i < t.ethnicities.size(); ++i) {
    const std::string_view name = t.ethnicities[i].name;
    for (const Form form : {Form::kName, Form::kShort, Form::kCode, Form::kNumber, Form::kLetters}) {
      const std::string written = ethnicity_in_form(name, form);
      EXPECT_EQ(fake::ethnicity_named(t, written), i) << name << " as " << written;
    }
  }
  EXPECT_EQ(ethnicity_in_form("汉族", Form::kShort), "汉");
  EXPECT_EQ(ethnicity_in_form("维吾尔族", Form::kCode), "05");
  EXPECT_EQ(ethnicity_in_form("维吾尔族", Form::kNumber), "5");
  EXPECT_EQ(ethnicity_in_form("维吾尔族", Form::kLetters), "UG");
  EXPECT_EQ(ethnicity_in_form("基诺族", Form::kNumber), "56");
  EXPECT_EQ(fake::ethnicity_named(t, "ug"), fake::ethnicity_named(t, "维吾尔族"));
  for (const char* v : {"", "族", "57", "0", "00", "XX", "穿青人", "汉族人"}) EXPECT_FALSE(fake::ethnicity_named(t, v)) << v;
}

TEST(GenderOfTest, TheFormsGenderColumnsHold) {
  for (const char* v : {"男", "M", "male", "MAN", "1"}) EXPECT_EQ(gender_of(v), Gender::kMale) << v;
  for (const char* v : {"女", "f", "Female", "woman", "2", "0"}) EXPECT_EQ(gender_of(v), Gender::kFemale) << v;
  for (const char* v : {"", "unknown", "9", "男女"}) EXPECT_FALSE(gender_of(v)) << v;
}

}  // namespace
}  // namespace canarytrap::testing
