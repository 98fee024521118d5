#include "canarytrap/fake/person_writer.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>

namespace canarytrap {
namespace {

std::string capture(PersonWriter::Format format, const std::vector<Person>& people) {
  char* buf = nullptr;
  size_t len = 0;
  std::FILE* f = open_memstream(&buf, &len);
  {
    PersonWriter w(f, format, {PersonField::kName, PersonField::kAddress});
    w.header();
    for (const auto& p : people) w.write(p);
    EXPECT_TRUE(w.flush().ok());
  }
  std::fclose(f);
  std::string out(buf, len);
  std::free(buf);
  return out;
}

TEST(PersonWriterTest, CsvQuotesWhatNeedsQuoting) {
  Person p;
  p[PersonField::kName] = "Mary \"May\" Smith";
  p[PersonField::kAddress] = "1 Main St, Boston, MA 02101";
  Person q;
  q[PersonField::kName] = "张伟";
  q[PersonField::kAddress] = "line1\nline2";
  EXPECT_EQ(capture(PersonWriter::Format::kCsv, {p, q}),
            "name,address\n\"Mary \"\"May\"\" Smith\",\"1 Main St, Boston, MA 02101\"\n张伟,\"line1\nline2\"\n");
}

TEST(PersonWriterTest, JsonLinesParseBack) {
  Person p;
  p[PersonField::kName] = "a\"b\\c\x01";
  p[PersonField::kAddress] = "北京市";
  const std::string out = capture(PersonWriter::Format::kJsonl, {p});
  auto j = nlohmann::json::parse(out);
  EXPECT_EQ(j["name"], "a\"b\\c\x01");
  EXPECT_EQ(j["address"], "北京市");
  EXPECT_EQ(out.back(), '\n');
}

// Rows are written through raw pointers into a 1 MiB buffer: rows that straddle its end, and
// a value longer than the whole buffer, come out whole and in order, quoted where needed.
TEST(PersonWriterTest, RowsAcrossTheBufferAndLargerThanItComeOutWhole) {
  std::vector<Person> people;
  std::string expected = "name,address\n";
  for (int i = 0; i < 3000; ++i) {
    Person p;
    p[PersonField::kName] = "person " + std::to_string(i);
    p[PersonField::kAddress] = std::string(700 + i % 13, 'a' + static_cast<char>(i % 26));
    expected += p[PersonField::kName] + "," + p[PersonField::kAddress] + "\n";
    people.push_back(p);
  }
  Person huge;
  huge[PersonField::kName] = std::string(3 << 20, '"');  // every byte doubled inside quotes
  huge[PersonField::kAddress] = "x";
  expected += "\"" + std::string(6 << 20, '"') + "\",x\n";
  people.push_back(huge);
  Person last;
  last[PersonField::kName] = "last";
  last[PersonField::kAddress] = "a,b";
  expected += "last,\"a,b\"\n";
  people.push_back(last);
  EXPECT_EQ(capture(PersonWriter::Format::kCsv, people), expected);
}

TEST(PersonWriterTest, ClosedOutputIsAnError) {
  std::FILE* f = std::fopen("/dev/full", "w");
  ASSERT_NE(f, nullptr);
  PersonWriter w(f, PersonWriter::Format::kCsv, {PersonField::kName});
  Person p;
  p[PersonField::kName] = std::string(1000, 'x');
  for (int i = 0; i < 10; ++i) w.write(p);
  EXPECT_FALSE(w.flush().ok());
  std::fclose(f);
}

}  // namespace
}  // namespace canarytrap
