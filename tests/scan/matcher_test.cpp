// The matcher against values written the many ways dumps write them.
#include "canarytrap/scan/matcher.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <set>

#include "support/sample_needles.h"

namespace canarytrap {
namespace {

// Canary 1: a zh_CN person; canary 2: an en_US one; canary 3: dns and http tokens.
NeedleIndex index() { return NeedleIndex::build(testing::sample_needles()); }

// "canary:kind" for every match in `text` of the needles of `idx` (default: index()). Every
// way of classifying the text's bytes finds the same, at the same places.
std::multiset<std::string> matches(const std::string& text, const NeedleIndex& idx) {
  Matcher m(idx);
  std::vector<RawMatch> out;
  m.scan(text, 0, out);
  Matcher portable(idx, BlockCode::kPortable);
  std::vector<RawMatch> portable_out;
  portable.scan(text, 0, portable_out);
  EXPECT_TRUE(out == portable_out) << "the portable classifier finds otherwise in: " << text.substr(0, 200);
  std::multiset<std::string> got;
  for (const auto& r : out) got.insert(std::to_string(r.canary) + ":" + std::string(needle_kind_name(r.kind)));
  return got;
}
std::multiset<std::string> matches(const std::string& text) {
  static const NeedleIndex idx = index();
  return matches(text, idx);
}

bool has(const std::string& text, const std::string& what) { return matches(text).count(what) > 0; }

TEST(MatcherTest, EmailsAnyCaseAndUrlEncoded) {
  EXPECT_TRUE(has("x,WANG.JINGJIA74@MAIL.EXAMPLE.NET,y", "1:email"));
  EXPECT_TRUE(has("mailto:wang.jingjia74%40mail.example.net&x=1", "1:email"));
  EXPECT_TRUE(has("{\"email\":\"Mary.K.Smith@Mail.Example.Net\"}", "2:email"));
  EXPECT_FALSE(has("wang.jingjia75@mail.example.net", "1:email"));
  EXPECT_FALSE(has("xwang.jingjia74@mail.example.net", "1:email"));
}

// Addresses are first checked by their domain against the few the e-mail needles use; with
// more domains than the index keeps, every address goes to the table instead. Either way
// each canary's address is found, and only at its own domain.
TEST(MatcherTest, EmailsAtFewOrManyDomains) {
  for (const int domains : {1, 2, 16, 17, 40}) {
    std::vector<ScanNeedle> needles;
    for (int i = 0; i < domains; ++i) {
      needles.push_back({i + 1, "email", "li.na" + std::to_string(i) + "@mail" + std::to_string(i) + ".example.net"});
    }
    const NeedleIndex idx = NeedleIndex::build(needles);
    Matcher m(idx);
    for (int i = 0; i < domains; ++i) {
      const std::string n = std::to_string(i);
      std::vector<RawMatch> out;
      m.scan("a,LI.NA" + n + "@MAIL" + n + ".EXAMPLE.NET,b\nli.na" + n + "%40mail" + n + ".example.net\n", 0, out);
      ASSERT_EQ(out.size(), 2u) << domains << " domains, address " << i;
      EXPECT_EQ(out[0].canary, static_cast<std::uint32_t>(i + 1));
      EXPECT_EQ(out[1].offset, 27u + 2 * n.size());  // the second line
      out.clear();
      // The same local part at another canary's domain, or at a domain of none.
      const std::string other = std::to_string((i + 1) % domains);
      m.scan("li.na" + n + "@mail" + (domains > 1 ? other : "x") + ".example.net li.na" + n + "@example.com", 0, out);
      EXPECT_TRUE(out.empty()) << domains << " domains, address " << i;
    }
  }
}

TEST(MatcherTest, PhonesAcrossSeparatorsAndCountryCodes) {
  for (const char* t : {"13812345678", "+86 138-1234-5678", "0086 138 1234 5678", "+86 13812345678", "138.1234.5678",
                        "tel: (138) 1234 5678"}) {
    EXPECT_TRUE(has(std::string("a,") + t + ",b", "1:digits")) << t;
  }
  for (const char* t : {"(212) 555-0147", "212-555-0147", "+1 212 555 0147", "1-212-555-0147", "2125550147"}) {
    EXPECT_TRUE(has(std::string("a,") + t + ",b", "2:digits")) << t;
  }
  EXPECT_FALSE(has("13812345679", "1:digits"));
  // A phone next to another number is still found.
  EXPECT_TRUE(has("13812345678 2020", "1:digits"));
}

TEST(MatcherTest, IdNumbersSsnsAndCards) {
  EXPECT_TRUE(has("id=52012219741123540x;", "1:id_number"));
  EXPECT_TRUE(has("52012219741123540X", "1:id_number"));
  EXPECT_TRUE(has("ssn 123-45-6789", "2:digits"));
  EXPECT_TRUE(has("4111 1111 1111 1111", "2:digits"));
  EXPECT_FALSE(has("52012219741123541X", "1:id_number"));
}

TEST(MatcherTest, TokensInUrlsHowEverEscaped) {
  EXPECT_TRUE(has("https://R3AIKDYEAJMXJD5Y2.cdn.example.net/p.jpg", "3:token"));
  EXPECT_TRUE(has("/photos/201803/a8e1aa1e8b035c77fa77ad62.jpg", "3:token"));
  EXPECT_TRUE(has("%2Fphotos%2F201803%2Fa8e1aa1e8b035c77fa77ad62.jpg", "3:token"));
  EXPECT_TRUE(has("\"https:\\/\\/x\\u002Fa8e1aa1e8b035c77fa77ad62.jpg\"", "3:token"));
  EXPECT_FALSE(has("a8e1aa1e8b035c77fa77ad6", "3:token"));
  EXPECT_FALSE(has("xa8e1aa1e8b035c77fa77ad62", "3:token"));
}

TEST(MatcherTest, NameWithBirthDateInOneRecord) {
  for (const char* t : {"王静嘉,女,1974-11-23,汉族", "王静嘉 1974/11/23", "{\"name\":\"王静嘉\",\"dob\":\"1974年11月23日\"}",
                        "王静嘉|19741123", "(7,'王静嘉','1974-11-23')"}) {
    EXPECT_TRUE(has(t, "1:name_dob")) << t;
  }
  for (const char* t : {"Mary Smith,03/09/1985", "MARY SMITH 1985-03-09", "mary smith;09.03.1985"}) {
    EXPECT_TRUE(has(t, "2:name_dob")) << t;
  }
  // Name and date in different records: different lines, or different rows of one INSERT.
  EXPECT_FALSE(has("王静嘉,女\n1974-11-23", "1:name_dob"));
  EXPECT_FALSE(has("(1,'王静嘉','1990-01-01'),(2,'李四','1974-11-23')", "1:name_dob"));
  EXPECT_FALSE(has("王静嘉,1974-11-24", "1:name_dob"));
}

// A name written the Turkic way, own name·father's name, is found as written, however long;
// with no such name in the index, runs of CJK text of other lengths than 2-4 characters are
// not even looked at (NeedleIndex::dotted_names).
TEST(MatcherTest, NamesWithAMiddleDot) {
  std::vector<ScanNeedle> needles = testing::sample_needles();
  needles.push_back({4, "name_dob", "艾尔肯·买买提|19900101"});
  needles.push_back({5, "name_dob", "古丽巴哈尔·阿不力孜|20011231"});
  const NeedleIndex idx = NeedleIndex::build(needles);
  EXPECT_TRUE(idx.dotted_names());
  EXPECT_FALSE(NeedleIndex::build(testing::sample_needles()).dotted_names());
  const auto found = [&](const std::string& text) { return matches(text, idx); };
  for (const char* t : {"艾尔肯·买买提,男,1990-01-01", "{\"xm\":\"艾尔肯·买买提\",\"csrq\":\"19900101\"}",
                        "(3,'艾尔肯·买买提','1990-01-01','维吾尔族')"}) {
    EXPECT_EQ(found(t).count("4:name_dob"), 1u) << t;
  }
  EXPECT_EQ(found("a,古丽巴哈尔·阿不力孜,2001/12/31,b").count("5:name_dob"), 1u);
  // Another father, another date, or the dot alone: nothing.
  EXPECT_TRUE(found("艾尔肯·吐尔逊,1990-01-01").empty());
  EXPECT_TRUE(found("艾尔肯·买买提,1990-01-02").empty());
  EXPECT_TRUE(found("艾尔肯买买提,1990-01-01").empty());
  // The 2-4 character names are found beside them as before.
  EXPECT_EQ(found("王静嘉,女,1974-11-23").count("1:name_dob"), 1u);
}

// A first and a last name in columns (or keys, or elements) of their own, or the last name
// first: the words of a two-word name are joined both ways round within one record.
TEST(MatcherTest, NameWrittenInTwoFieldsOrLastNameFirst) {
  for (const char* t : {"Mary,Smith,1985-03-09", "\"Smith\",\"Mary\",\"1985-03-09\"", "SMITH, MARY\t03/09/1985",
                        "Smith Mary 1985-03-09", "Mary,K.,Smith,19850309", "1985-03-09,Smith,,,Mary",
                        "Mary Smith,Mary,Smith,1985-03-09", "SMITH, MARY,Mary Smith,1985-03-09",
                        "{\"first_name\":\"Mary\",\"last_name\":\"Smith\",\"dob\":\"1985-03-09\"}",
                        "{\n  \"first\": \"Mary\",\n  \"last\": \"Smith\",\n  \"dob\": \"1985-03-09\"\n}",
                        "<person><first>Mary</first><last>Smith</last><dob>1985-03-09</dob></person>",
                        "<tr><td>Smith</td><td>Mary</td><td>1985-03-09</td></tr>"}) {
    EXPECT_EQ(matches(t).count("2:name_dob"), 1u) << t;
  }
  // The words in different records, too far apart, or with another person's date.
  EXPECT_FALSE(has("Mary,x\nSmith,1985-03-09", "2:name_dob"));
  EXPECT_FALSE(has("[{\"first\":\"Mary\",\"last\":\"Jones\",\"dob\":\"1985-03-09\"},"
                   "{\"first\":\"Anne\",\"last\":\"Smith\",\"dob\":\"1985-03-09\"}]",
                   "2:name_dob"));
  EXPECT_FALSE(has("Mary," + std::string(300, 'x') + ",Smith,1985-03-09", "2:name_dob"));
  EXPECT_FALSE(has("Mary,Smith,1985-03-10", "2:name_dob"));
  // Nor in a record wider than any one person's (text without line ends), where a name
  // written as it is still is.
  EXPECT_FALSE(has(std::string(9000, 'x') + ",Mary,Smith,1985-03-09", "2:name_dob"));
  EXPECT_TRUE(has(std::string(9000, 'x') + "\nMary,Smith,1985-03-09", "2:name_dob"));
  EXPECT_TRUE(has(std::string(9000, 'x') + ",Mary Smith,1985-03-09", "2:name_dob"));
  // Each word is joined with the next two (a middle name between), not with every other.
  const NeedleIndex many = NeedleIndex::build({{2, "name_dob", "mary smith|19850309"},
                                               {5, "name_dob", "ann jones|19700101"},
                                               {6, "name_dob", "bob brown|19700101"}});
  for (const auto& [text, found] : std::vector<std::pair<std::string, bool>>{
           {"Mary,Ann,Smith,1985-03-09", true}, {"Mary,Ann,Jones,Smith,1985-03-09", false}}) {
    Matcher m(many);
    std::vector<RawMatch> out;
    m.scan(text, 0, out);
    EXPECT_EQ(std::count_if(out.begin(), out.end(), [](const RawMatch& r) { return r.canary == 2; }), found ? 1 : 0)
        << text;
  }
  // A name planted before the registry kept its words apart ("marysmith") is found as written.
  const NeedleIndex old = NeedleIndex::build({{2, "name_dob", "marysmith|19850309"}});
  for (const auto& [text, found] : std::vector<std::pair<std::string, bool>>{{"Mary Smith,1985-03-09", true},
                                                                              {"Mary,Smith,1985-03-09", false}}) {
    Matcher m(old);
    std::vector<RawMatch> out;
    m.scan(text, 0, out);
    EXPECT_EQ(out.size(), found ? 1u : 0u) << text;
  }
}

// A name in an object of its own, the value of a key, is dated by the dates of the object
// around it (randomuser.me's "name": {"first", "last"} beside "dob": {"date"}); an array's
// object is a record of its own and takes no neighbour's date. Dates with a time after a
// 'T' (ISO 8601, JSON's and mongoexport's) are dates.
TEST(MatcherTest, NameInAKeysObjectAndIsoDateTimes) {
  for (const char* t : {"{\"name\":{\"first\":\"Mary\",\"last\":\"Smith\"},\"dob\":\"1985-03-09\"}",
                        "{\"name\": {\"title\": \"Ms\", \"first\": \"Mary\", \"last\": \"Smith\"}, \"dob\": "
                        "{\"date\": \"1985-03-09T10:11:12.000Z\", \"age\": 40}}",
                        "{\n  \"person\": {\n    \"name\": \"Mary Smith\"\n  },\n  \"born\": {\"$date\": "
                        "\"1985-03-09T00:00:00Z\"}\n}",
                        "Mary Smith,1985-03-09T00:00:00.000Z", "Mary Smith,19850309T000000Z",
                        "<p n=\"Mary Smith\" d=\"1985-03-09T00:00:00\"/>"}) {
    EXPECT_EQ(matches(t).count("2:name_dob"), 1u) << t;
  }
  EXPECT_FALSE(has("[{\"name\":\"Mary Smith\"},{\"name\":\"Bob Jones\",\"dob\":\"1985-03-09\"}]", "2:name_dob"));
  EXPECT_FALSE(has("{\"a\":[{\"name\":\"Mary Smith\"}, {\"dob\":\"1985-03-09\"}]}", "2:name_dob"));
  EXPECT_FALSE(has("Mary Smith,1985-03-09X00", "2:name_dob"));
  EXPECT_TRUE(has("{\"p\":{\"name\":\"王静嘉\"},\"dob\":\"1974-11-23T08:00:00+08:00\"}", "1:name_dob"));
}

// A date that reads the same as M/D/Y and as D/M/Y is one match.
TEST(MatcherTest, DayEqualToMonthIsOneDate) {
  const NeedleIndex idx = NeedleIndex::build({{2, "name_dob", "mary smith|19850303"}});
  Matcher m(idx);
  std::vector<RawMatch> out;
  m.scan("Mary Smith,03/03/1985", 0, out);
  EXPECT_EQ(out.size(), 1u);
}

// A date is a year with a month and a day next to it, in either order (or YYYYMMDD), inside
// one record: found at the very start and end of a record, of the input, and of a multi-row
// INSERT's row; a month or a day is one or two digits, no letter glued to it, one to three
// bytes from its neighbour.
// A record is also one object of a JSON array written on one line (json.dump, JSON.stringify),
// and a name is dated only by a date at most 4 KB away: a file with no record boundary the
// matcher knows (single-line XML, CR line ends) is not one record in which every name goes
// with every date.
TEST(MatcherTest, NamesAreDatedWithinTheirObjectAndTheirReach) {
  EXPECT_TRUE(has("[{\"name\":\"李四\",\"dob\":\"1990-01-01\"},{\"name\":\"王静嘉\",\"dob\":\"1974-11-23\"}]", "1:name_dob"));
  EXPECT_FALSE(has("[{\"name\":\"王静嘉\",\"dob\":\"1990-01-01\"},{\"name\":\"李四\",\"dob\":\"1974-11-23\"}]", "1:name_dob"));
  EXPECT_FALSE(has("[{\"name\": \"王静嘉\", \"dob\": \"1990-01-01\"}, {\"name\": \"李四\", \"dob\": \"1974-11-23\"}]", "1:name_dob"));
  // An object nested in a record does not end it.
  EXPECT_TRUE(has("{\"name\":\"王静嘉\",\"addr\":{\"city\":\"x\"},\"dob\":\"1974-11-23\"}", "1:name_dob"));
  for (const std::string& gap : {std::string(4000, ' '), std::string(4000, ',') + "<a>"}) {
    EXPECT_TRUE(has("王静嘉" + gap + "1974-11-23", "1:name_dob"));
    EXPECT_TRUE(has("1974-11-23" + gap + "王静嘉", "1:name_dob"));
  }
  EXPECT_FALSE(has("王静嘉" + std::string(4200, ' ') + "1974-11-23", "1:name_dob"));
  EXPECT_FALSE(has("1974-11-23" + std::string(4200, ' ') + "王静嘉", "1:name_dob"));
  // Many names and dates in one line: each name with the dates near it only.
  std::string line;
  for (int i = 0; i < 200; ++i) line += "<p><n>李四</n><d>1990-01-01</d></p><p><n>王静嘉</n><d>1990-01-02</d></p>";
  line += std::string(4200, ' ') + "<d>1974-11-23</d>";
  EXPECT_FALSE(has(line, "1:name_dob"));
  EXPECT_TRUE(has(line + "<n>王静嘉</n>", "1:name_dob"));
}

// One person of a JSON array, pretty-printed as jq, json.dump(indent=2) and JSON.stringify(x,
// null, 2) write it (indented by `indent` spaces), with an array of objects of its own between
// the name and the birth date.
std::string pretty_person(const std::string& name, const std::string& dob, std::size_t indent, const char* nl) {
  const std::string in(indent, ' '), step = "  ";
  return in + "{" + nl + in + step + "\"name\": \"" + name + "\"," + nl + in + step + "\"phones\": [" + nl + in + step +
         step + "{" + nl + in + step + step + step + "\"type\": \"mobile\"" + nl + in + step + step + "}," + nl + in +
         step + step + "{}" + nl + in + step + "]," + nl + in + step + "\"birth_date\": \"" + dob + "\"" + nl + in +
         "}";
}

// A JSON object is one record however it is laid out: over many lines, holding objects of its
// own, inside a wrapper around all the file's records. Its name is dated by its own dates,
// never by its neighbours'.
TEST(MatcherTest, JsonObjectsAreRecordsOverManyLines) {
  for (const char* nl : {"\n", "\r\n"}) {
    for (std::size_t indent : {2, 24}) {
      const auto array = [&](const std::string& a, const std::string& b) {
        return std::string("[") + nl + pretty_person("李四", a, indent, nl) + "," + nl +
               pretty_person("王静嘉", b, indent, nl) + nl + "]" + nl;
      };
      EXPECT_TRUE(has(array("1990-01-01", "1974-11-23"), "1:name_dob")) << array("1990-01-01", "1974-11-23");
      EXPECT_FALSE(has(array("1974-11-23", "1990-01-01"), "1:name_dob")) << array("1974-11-23", "1990-01-01");
      const auto wrapped = [&](const std::string& a, const std::string& b) {
        return std::string("{") + nl + "  \"total\": 2," + nl + "  \"data\": [" + nl +
               pretty_person("李四", a, indent, nl) + "," + nl + pretty_person("王静嘉", b, indent, nl) + nl + "  ]" +
               nl + "}" + nl;
      };
      EXPECT_TRUE(has(wrapped("1990-01-01", "1974-11-23"), "1:name_dob"));
      EXPECT_FALSE(has(wrapped("1974-11-23", "1990-01-01"), "1:name_dob"));
    }
  }
  // A line of JSON Lines holding an array of objects, and an Elasticsearch search response.
  EXPECT_TRUE(has("{\"name\":\"王静嘉\",\"phones\":[{\"t\":\"a\"},{\"t\":\"b\"}],\"dob\":\"1974-11-23\"}\n", "1:name_dob"));
  EXPECT_TRUE(has("{\"name\": \"王静嘉\", \"phones\": [{\"t\": \"a\"}, {\"t\": \"b\"}], \"dob\": \"1974-11-23\"}", "1:name_dob"));
  const auto hits = [](const std::string& a, const std::string& b) {
    return "{\"hits\":{\"hits\":[{\"_id\":\"1\",\"_source\":{\"name\":\"李四\",\"dob\":\"" + a +
           "\"}},{\"_id\":\"2\",\"_source\":{\"name\":\"王静嘉\",\"dob\":\"" + b + "\"}}]}}";
  };
  EXPECT_TRUE(has(hits("1990-01-01", "1974-11-23"), "1:name_dob"));
  EXPECT_FALSE(has(hits("1974-11-23", "1990-01-01"), "1:name_dob"));
  // A wrapper of many records on one line: each name with its own object's date only.
  std::string many = "{\"data\":[";
  for (int i = 0; i < 300; ++i) many += "{\"name\":\"李四\",\"dob\":\"1974-11-23\"},{\"name\":\"王静嘉\",\"dob\":\"1990-01-02\"},";
  EXPECT_FALSE(has(many + "{}]}", "1:name_dob"));
  EXPECT_TRUE(has(many + "{\"name\":\"王静嘉\",\"dob\":\"1974-11-23\"}]}", "1:name_dob"));
  // A '}' inside a string value, a Python dict.
  EXPECT_TRUE(has("{\"name\":\"王静嘉\",\"memo\":\"a}b {x}\",\"dob\":\"1974-11-23\"}", "1:name_dob"));
  EXPECT_TRUE(has("{'name': '王静嘉',\n 'dob': '1974-11-23'}", "1:name_dob"));
}

// An XML or HTML element holding elements is a record as a JSON object is: <person> with its
// <name> and <birth_date>, over many lines or all on one, a table's <tr>, an empty element's
// attributes; its name is dated by its own dates, never by its neighbours'.
TEST(MatcherTest, XmlElementsAreRecords) {
  const auto person = [](const std::string& name, const std::string& dob, const char* nl) {
    return std::string("  <ns:person id=\"7\">") + nl + "    <name>" + name + "</name>" + nl +
           "    <contact><phone>x</phone><br></contact>" + nl + "    <birth_date>" + dob + "</birth_date>" + nl +
           "  </ns:person>" + nl;
  };
  for (const char* nl : {"\n", "\r\n", ""}) {
    const auto doc = [&](const std::string& a, const std::string& b) {
      return std::string("<?xml version=\"1.0\"?>") + nl + "<people>" + nl + "<!-- 2 -->" + nl +
             person("李四", a, nl) + person("王静嘉", b, nl) + "</people>" + nl;
    };
    EXPECT_TRUE(has(doc("1990-01-01", "1974-11-23"), "1:name_dob")) << doc("1990-01-01", "1974-11-23");
    EXPECT_FALSE(has(doc("1974-11-23", "1990-01-01"), "1:name_dob")) << doc("1974-11-23", "1990-01-01");
  }
  const auto rows = [](const std::string& a, const std::string& b) {
    return "<table><tr><td>李四</td><td>" + a + "</td></tr><tr><td>王静嘉</td><td>" + b + "</td></tr></table>";
  };
  EXPECT_TRUE(has(rows("1990-01-01", "1974-11-23"), "1:name_dob"));
  EXPECT_FALSE(has(rows("1974-11-23", "1990-01-01"), "1:name_dob"));
  const auto attributes = [](const std::string& a, const std::string& b) {
    return "<people><person name=\"李四\" dob=\"" + a + "\"/><person name=\"王静嘉\" dob=\"" + b + "\"/></people>";
  };
  EXPECT_TRUE(has(attributes("1990-01-01", "1974-11-23"), "1:name_dob"));
  EXPECT_FALSE(has(attributes("1974-11-23", "1990-01-01"), "1:name_dob"));
  EXPECT_TRUE(has("<人员>\n  <姓名>王静嘉</姓名>\n  <出生日期>1974年11月23日</出生日期>\n</人员>\n", "1:name_dob"));
  // A '<' that starts no tag, and a stray end tag, change nothing.
  EXPECT_TRUE(has("<p>王静嘉 < 3, </x> 1974-11-23</p>", "1:name_dob"));
  EXPECT_FALSE(has("1,<b>王静嘉</b>\n2,<br>1974-11-23\n", "1:name_dob"));
}

// Braces that open no JSON object do not join a row to the rows after it: a brace in a CSV
// field, a value cut off after its key, random bytes; nor does an object's opening brace join
// its line to one that is no JSON.
TEST(MatcherTest, BracesInOtherTextDoNotJoinRows) {
  for (const char* t : {"1,{draft},王静嘉\n2,李四,1974-11-23\n", "1,{ 王静嘉 }\n2,李四,1974-11-23\n",
                        "1,{\"cut\":,王静嘉\n2,李四,1974-11-23\n", "1,{\"a\":{\"b\":\"王静嘉\n2,李四,1974-11-23\n",
                        "{'\x1e\xe9 王静嘉\n\"1974-11-23\"\n", "王静嘉 {\"k\":\n2 1974-11-23\n"}) {
    EXPECT_FALSE(has(t, "1:name_dob")) << t;
  }
  // The same rows with no such brace: the name and the date on one line.
  EXPECT_TRUE(has("1,{draft},王静嘉,1974-11-23\n", "1:name_dob"));
}

// A name dated by a date lines further down its object is reported on the name's line.
TEST(MatcherTest, NameOfAnObjectOverLinesIsReportedOnItsLine) {
  static const NeedleIndex idx = index();
  Matcher m(idx);
  std::vector<RawMatch> out;
  const std::string text = "[\n" + pretty_person("王静嘉", "1974-11-23", 2, "\n") + "\n]\n";
  EXPECT_EQ(m.scan(text, 100, out), 12u);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].kind, NeedleKind::kNameDob);
  EXPECT_EQ(out[0].line, 2u);
  EXPECT_EQ(out[0].offset, 100 + text.find("王静嘉"));
}

// A CJK name written as JSON escapes (json_encode, json.dumps by default) or URL-encoded is
// the same name: found with a date of the same record, as a whole run of escaped non-ASCII
// text, like the name in UTF-8.
TEST(MatcherTest, EscapedNamesWithTheirBirthDate) {
  for (const char* t : {"{\"name\": \"\\u738b\\u9759\\u5609\", \"birth_date\": \"1974-11-23\"}",
                        "{\"xm\":\"\\u738B\\u9759\\u5609\",\"csrq\":\"19741123\"}",
                        "\\u0022\\u738b\\u9759\\u5609\\u0022 1974/11/23",
                        "GET /search?name=%E7%8E%8B%E9%9D%99%E5%98%89&dob=1974-11-23 HTTP/1.1",
                        "name=%e7%8e%8b%e9%9d%99%e5%98%89%20x&d=23.11.1974"}) {
    EXPECT_TRUE(has(t, "1:name_dob")) << t;
  }
  for (const char* t : {// Part of a longer run of text, as "一王静嘉" would be in UTF-8.
                        "\\u4e00\\u738b\\u9759\\u5609,1974-11-23", "\\u738b\\u9759\\u5609\\u4e00,1974-11-23",
                        "%E4%B8%80%E7%8E%8B%E9%9D%99%E5%98%89,1974-11-23", "%C3%A9%E7%8E%8B%E9%9D%99%E5%98%89,1974-11-23",
                        // Another record, another date, a broken escape.
                        "{\"name\":\"\\u738b\\u9759\\u5609\"}\n1974-11-23", "\\u738b\\u9759\\u5609,1974-11-24",
                        "\\u738b\\u9759\\u560g,1974-11-23", "%E7%8E%8B%E9%9D%99%E5%98%8,1974-11-23"}) {
    EXPECT_FALSE(has(t, "1:name_dob")) << t;
  }
  // Cut short at the end of the input: no read past it.
  for (const char* t : {"1974-11-23 \\u738b\\u9759\\u56", "1974-11-23 %E7%8E%8B%E9%9D%99%E5%98%8", "\\", "%", "\\u"}) {
    EXPECT_FALSE(has(t, "1:name_dob")) << t;
  }
}

TEST(MatcherTest, DatesAroundTheirYearWithinTheRecord) {
  for (const char* t : {"1974-11-23,王静嘉", "23.11.1974,王静嘉", "11/23/1974 王静嘉", "x\n23/11/1974 王静嘉",
                        "王静嘉,1974-11-23", "王静嘉 1974年11月23日", "王静嘉 1974 - 11 - 23",
                        "(1,'x'),(23.11.1974,'王静嘉')", "王静嘉 19741123", "19741123 王静嘉", "王静嘉 a 1974 b 11 c 23"}) {
    EXPECT_TRUE(has(t, "1:name_dob")) << t;
  }
  for (const char* t : {"王静嘉 1974-11-23a", "王静嘉 1974-11a-23", "王静嘉 a11/23/1974", "王静嘉 11/23b/1974",
                        "王静嘉 1974-011-23", "王静嘉 1974-11-123", "王静嘉 1974----11-23", "王静嘉 11----23/1974",
                        "11/23\n1974 王静嘉", "王静嘉 1974\n11-23", "(1,'11/23'),(1974,'王静嘉')", "王静嘉 a1974-11-23",
                        "王静嘉 1974123", "王静嘉 197411230"}) {
    EXPECT_FALSE(has(t, "1:name_dob")) << t;
  }
}

TEST(MatcherTest, ElasticsearchBulkAndSqlDumps) {
  const std::string bulk =
      "{\"index\":{\"_index\":\"people\",\"_id\":\"7\"}}\n"
      "{\"xm\":\"王静嘉\",\"csrq\":\"1974-11-23\",\"sjhm\":\"13812345678\",\"yx\":\"WANG.JINGJIA74@MAIL.EXAMPLE.NET\"}\n";
  EXPECT_EQ(matches(bulk), (std::multiset<std::string>{"1:digits", "1:email", "1:name_dob"}));
  const std::string copy = "COPY public.persons (id, name, dob, phone) FROM stdin;\n7\t王静嘉\t1974-11-23\t13812345678\n\\.\n";
  EXPECT_EQ(matches(copy), (std::multiset<std::string>{"1:digits", "1:name_dob"}));
  const std::string insert = "INSERT INTO `persons` VALUES (6,'李四','1990-01-01','13900000000'),(7,'王静嘉','1974-11-23','13812345678');";
  EXPECT_EQ(matches(insert), (std::multiset<std::string>{"1:digits", "1:name_dob"}));
}

TEST(MatcherTest, BinaryJunkAndInvalidUtf8DoNotConfuseIt) {
  std::string junk;
  for (int i = 0; i < 100000; ++i) junk += static_cast<char>((i * 7919) % 256);
  junk += std::string("\0\xff\xfe", 3) + "13812345678" + std::string("\x80\x80", 2);
  EXPECT_TRUE(has(junk, "1:digits"));
  const NeedleIndex idx = index();  // the matcher keeps a reference: it must outlive it
  Matcher m(idx);
  std::vector<RawMatch> out;
  EXPECT_EQ(m.scan(std::string(1000, '\n'), 0, out), 1000u);
}

// Runs are found from 64-byte blocks of bitmasks, and runs that can be nothing are skipped
// by their shape in the block: every value must be found wherever it starts and ends against
// those blocks (across two block ends here), and at the very end of the input. Twice: with
// a Latin name among the needles (every word visited) and without (short words skipped).
TEST(MatcherTest, ValuesAtEveryAlignmentAndAtTheEnd) {
  std::vector<ScanNeedle> no_latin_name;
  for (const auto& n : testing::sample_needles()) {
    if (n.value != "mary smith|19850309") no_latin_name.push_back(n);
  }
  const NeedleIndex with_latin = index(), without_latin = NeedleIndex::build(no_latin_name);
  const std::vector<std::pair<std::string, std::string>> values = {
      {"a8e1aa1e8b035c77fa77ad62", "3:token"}, {"R3AIKDYEAJMXJD5Y2", "3:token"},
      {"52012219741123540x", "1:id_number"},   {"wang.jingjia74@mail.example.net", "1:email"},
      {"138-1234-5678", "1:digits"},           {"王静嘉,1974-11-23", "1:name_dob"},
      {"\\u738b\\u9759\\u5609,1974-11-23", "1:name_dob"}, {"%E7%8E%8B%E9%9D%99%E5%98%89&d=1974-11-23", "1:name_dob"}};
  for (const NeedleIndex* idx : {&with_latin, &without_latin}) {
    const auto found = [&](const std::string& text, const std::string& what) {
      Matcher m(*idx);
      std::vector<RawMatch> out;
      m.scan(text, 0, out);
      for (const auto& r : out) {
        if (std::to_string(r.canary) + ":" + std::string(needle_kind_name(r.kind)) == what) return true;
      }
      return false;
    };
    const std::string which = idx == &with_latin ? "with a Latin name" : "without";
    for (const auto& [value, kind] : values) {
      for (std::size_t pad = 0; pad < 140; ++pad) {
        const std::string before = std::string(pad, pad % 2 ? ',' : ' ');
        EXPECT_TRUE(found(before + value, kind)) << value << " after " << pad << " bytes, at the end, " << which;
        EXPECT_TRUE(found(before + value + ";" + std::string(pad, 'z'), kind)) << value << " after " << pad << ", " << which;
        // After short words (skipped when no name is Latin) that end just before it.
        EXPECT_TRUE(found(std::string(pad, 'w') + " " + value + ";", kind)) << value << " after " << pad << ", " << which;
        // Glued to a longer run, it is another word and no match.
        if (kind == "3:token") {
          EXPECT_FALSE(found(before + "q" + value + ";", kind)) << value << " after " << pad << ", " << which;
        }
      }
    }
    // CJK text of every length around a name: only the name itself is one.
    for (std::size_t pad = 0; pad < 50; ++pad) {
      std::string chinese;
      for (std::size_t i = 0; i < pad; ++i) chinese += "省";
      EXPECT_TRUE(found(chinese + ",王静嘉,1974-11-23", "1:name_dob")) << pad << ", " << which;
      EXPECT_TRUE(found(std::string(pad, ' ') + "王静嘉,1974-11-23", "1:name_dob")) << pad << ", " << which;
      if (pad > 0) {
        EXPECT_FALSE(found(chinese + "王静嘉,1974-11-23", "1:name_dob")) << pad << ", " << which;
      }
    }
  }
}

// A common name is shared by many canaries: each is still told apart by its birth date, and
// a date no canary of that name has matches nothing.
TEST(MatcherTest, ManyCanariesSharingOneName) {
  std::vector<ScanNeedle> needles;
  for (int i = 1; i <= 2000; ++i) {
    char dob[16];
    std::snprintf(dob, sizeof dob, "19%02d%02d%02d", i % 100, 1 + i / 100 % 12, 1 + i / 1200);  // distinct
    needles.push_back({i, "name_dob", std::string("王伟|") + dob});
  }
  const NeedleIndex idx = NeedleIndex::build(needles);
  Matcher m(idx);
  std::vector<RawMatch> out;
  m.scan("王伟,男,1977-01-02\n王伟,男,1977-01-03\n", 0, out);
  // 1977-01-02: i % 100 == 77, i / 100 % 12 == 0, i / 1200 == 1: i = 1277; no i has 1977-01-03
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].canary, 1277u);
  EXPECT_EQ(out[0].kind, NeedleKind::kNameDob);
}

// Each name knows its canaries' birth dates (NeedleIndex::name_dates): a record's name is
// looked up with a date only where one of its canaries may be born on it. 5,000 names (the
// names table grows from 1,024 slots several times) of one to three canaries each, and one
// with 2,000: every canary is found with its own date, and no name with another.
TEST(MatcherTest, NamesKnowTheirCanariesBirthDates) {
  std::uint64_t x = 0x9E3779B97F4A7C15ULL;
  const auto next = [&x](std::uint64_t below) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    return static_cast<int>(x % below);
  };
  const auto date = [&next] {
    const auto two = [](int v) { return std::string{static_cast<char>('0' + v / 10), static_cast<char>('0' + v % 10)}; };
    return std::to_string(1940 + next(60)) + two(1 + next(12)) + two(1 + next(28));
  };
  const auto cjk = [](unsigned code) {
    return std::string{static_cast<char>(0xE0 | code >> 12), static_cast<char>(0x80 | (code >> 6 & 0x3F)),
                       static_cast<char>(0x80 | (code & 0x3F))};
  };
  std::vector<std::pair<std::string, std::set<std::string>>> people;  // a name, its canaries' dates
  for (unsigned i = 0; i < 5000; ++i) {
    people.push_back({cjk(0x4E00 + i % 50) + cjk(0x5000 + i / 50), {}});
    for (int k = 0, n = 1 + next(3); k < n; ++k) people.back().second.insert(date());
  }
  people.push_back({"王伟", {}});
  while (people.back().second.size() < 2000) people.back().second.insert(date());
  std::vector<ScanNeedle> needles;
  std::int64_t id = 0;
  for (const auto& [name, dates] : people) {
    for (const auto& d : dates) needles.push_back({++id, "name_dob", name + "|" + d});
  }
  needles.push_back({++id, "name_dob", "李娜|1985-03-9"});  // a birth date not written YYYYMMDD
  const NeedleIndex idx = NeedleIndex::build(needles);

  const auto dates_of = [&](const std::string& name) { return idx.name_dates(NeedleIndex::hash(NeedleKind::kName, name)); };
  EXPECT_EQ(dates_of("张三"), 0u);  // no canary's name
  EXPECT_EQ(dates_of("李娜"), ~std::uint32_t{0});  // any date may be hers
  EXPECT_EQ(dates_of("王伟"), ~std::uint32_t{0});  // 2,000 dates fill the 32 bits
  int one_bit = 0;
  for (const auto& [name, dates] : people) {
    std::uint32_t want = 0;
    for (const auto& d : dates) want |= std::uint32_t{1} << NeedleIndex::date_bit(d.data());
    EXPECT_EQ(dates_of(name), want) << name;
    one_bit += __builtin_popcount(want) == 1;
  }
  EXPECT_GT(one_bit, 1500);  // a third of the names have one canary

  // Each name with each of its dates, and with five others: exactly its canaries are found.
  std::string dump;
  for (const auto& [name, dates] : people) {
    for (const auto& d : dates) dump += name + ",女," + d.substr(0, 4) + "-" + d.substr(4, 2) + "-" + d.substr(6) + "\n";
    for (int k = 0; k < 5; ++k) {
      const std::string d = date();
      if (!dates.contains(d)) dump += name + "," + d.substr(0, 4) + "/" + d.substr(4, 2) + "/" + d.substr(6) + "\n";
    }
  }
  Matcher m(idx);
  std::vector<RawMatch> out;
  m.scan(dump, 0, out);
  std::set<std::uint32_t> found;
  for (const auto& r : out) {
    EXPECT_EQ(r.kind, NeedleKind::kNameDob);
    found.insert(r.canary);
  }
  EXPECT_EQ(out.size(), found.size());
  EXPECT_EQ(found.size(), needles.size() - 1);  // all but 李娜, whose name the dump lacks
}

// The hash reads exactly the value's bytes (ASan checks the build of the tests: each value
// here sits alone in an allocation of its size) and every one of them counts.
TEST(MatcherTest, HashUsesEveryByteAndNoMore) {
  std::set<std::uint64_t> seen;
  for (std::size_t len = 0; len <= 70; ++len) {
    std::unique_ptr<char[]> value(new char[len == 0 ? 1 : len]);
    for (std::size_t i = 0; i < len; ++i) value[i] = static_cast<char>('a' + i % 26);
    const std::uint64_t h = NeedleIndex::hash(NeedleKind::kEmail, std::string_view(value.get(), len));
    EXPECT_NE(h, 0u);
    EXPECT_TRUE(seen.insert(h).second) << len;
    for (std::size_t i = 0; i < len; ++i) {
      value[i] ^= 1;
      EXPECT_NE(NeedleIndex::hash(NeedleKind::kEmail, std::string_view(value.get(), len)), h) << len << " " << i;
      value[i] ^= 1;
    }
    if (len > 0) {
      EXPECT_NE(NeedleIndex::hash(NeedleKind::kToken, std::string_view(value.get(), len)), h) << len;
    }
  }
}

TEST(MatcherTest, OffsetsAndLinesPointAtTheMatch) {
  const NeedleIndex idx = index();
  Matcher m(idx);
  std::vector<RawMatch> out;
  const std::string text = "header\nrow,foo\nrow,+86 138 1234 5678\n";
  m.scan(text, 1000, out);
  ASSERT_EQ(out.size(), 2u);  // with and without the 86 prefix: the same canary, same place
  EXPECT_EQ(out[0].canary, 1u);
  EXPECT_EQ(out[0].line, 2u);
  EXPECT_EQ(text.substr(out[0].offset - 1000, 2), "86");
}

}  // namespace
}  // namespace canarytrap
