// Canary rows whose dates agree with one another as their neighbours' do, and CSV rows
// quoted column by column as the file's are.
#include <algorithm>
#include <array>
#include <functional>
#include <optional>

#include "plant/dates.h"
#include "plant/plant_fixture.h"

namespace canarytrap::testing {
namespace {

class TimeOrderTest : public PlantTest {
 protected:
  // A persons table of `n` rows, one made every `step` seconds from 2015 on, each updated
  // 0-30 days after it was made, and each checked on a day of 2015-2024 in no order.
  void people_table(const std::filesystem::path& db, int n, int step) {
    const std::string made = "1420070400 + i * " + std::to_string(step);
    sql(db, "CREATE TABLE persons (id INTEGER PRIMARY KEY, xm TEXT, sfzh TEXT, created_at TEXT, updated_at TEXT, "
            "checked_on TEXT);"
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + std::to_string(n) + ") "
            "INSERT INTO persons (xm, sfzh, created_at, updated_at, checked_on) SELECT 'x' || i, 'x' || i, "
            "datetime(" + made + ", 'unixepoch'), datetime(" + made + " + (i * 7919 % 31) * 86400, 'unixepoch'), "
            "date(1420070400 + (i * 104729 % 3650) * 86400, 'unixepoch') FROM n;");
  }

  // The planted file's lines (after `skip` header lines) keep their times' order, oldest or
  // newest first, and 100 of them are canaries (not `real`), more than 25 in the first half
  // of 2,100 lines: placed all over the file, not at its end.
  void expect_in_order_all_over(const std::filesystem::path& file, std::size_t skip, bool newest_first,
                                const std::function<std::optional<std::int64_t>(const std::string&)>& time_of,
                                const std::function<bool(const std::string&)>& real) {
    std::optional<std::int64_t> previous;
    int canaries = 0, canaries_in_first_half = 0;
    const auto lines = lines_of(read_file(file));
    for (std::size_t n = skip; n < lines.size(); ++n) {
      const auto t = time_of(lines[n]);
      ASSERT_TRUE(t) << lines[n];
      if (previous) {
        EXPECT_TRUE(newest_first ? *t <= *previous : *t >= *previous) << lines[n];
      }
      previous = t;
      if (!real(lines[n])) {
        ++canaries;
        canaries_in_first_half += n - skip < 1050;
      }
    }
    EXPECT_EQ(canaries, 100);
    EXPECT_GT(canaries_in_first_half, 25);
  }
};

// People born 1946-2004, each registered (created_at, 2012-2022) on or after their 18th
// birthday, as a table of adults' accounts is: rows of name, ID, birth date, created_at, in
// name order or, with `by_time`, in created_at order.
std::vector<std::array<std::string, 4>> adult_rows(int n, bool by_time) {
  std::vector<std::array<std::string, 4>> rows;
  std::uint64_t x = 88172645463325252ull;
  const auto next = [&x](std::uint64_t below) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    return static_cast<std::int64_t>(x % below);
  };
  for (int i = 0; i < n; ++i) {
    const int year = 1946 + static_cast<int>(next(59)), month = 1 + static_cast<int>(next(12)),
              day = 1 + static_cast<int>(next(28));
    const std::string birth = table_dates::format_date("%Y-%m-%d", year, month, day);
    const std::int64_t adult = *table_dates::date_seconds(table_dates::format_date("%Y-%m-%d", year + 18, month, day), "%Y-%m-%d");
    const std::int64_t from = std::max<std::int64_t>(adult, 1'325'376'000 /* 2012 */), to = 1'672'531'199;  // 2022
    rows.push_back({"name" + std::to_string(100000 + i), "x" + std::to_string(i), birth,
                    table_dates::format_seconds("%Y-%m-%d %H:%M:%S", from + next(static_cast<std::uint64_t>(to - from)))});
  }
  if (by_time) std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a[3] < b[3]; });
  return rows;
}

// Whole years between a birth date (%Y-%m-%d) and a date (starting %Y-%m-%d).
int age_on(const std::string& birth, const std::string& date) {
  return std::stoi(date.substr(0, 4)) - std::stoi(birth.substr(0, 4)) - (date.substr(5, 5) < birth.substr(5, 5) ? 1 : 0);
}

TEST(PlantDatesTest, SecondsRoundTripInEveryForm) {
  for (const auto& shape : table_dates::kDateShapes) {
    for (const std::int64_t t : {0LL, 951'782'400LL /* 2000-02-29 */, 1'795'548'183LL, -86'400LL * 365 * 20 + 3'723}) {
      const std::string v = table_dates::format_seconds(shape.format, t);
      ASSERT_TRUE(table_dates::matches_date(v, shape)) << v;
      const auto back = table_dates::date_seconds(v, shape.format);
      ASSERT_TRUE(back) << v;
      // Forms without a time of day keep the day only.
      const bool has_time = std::string_view(shape.format).find("%H") != std::string_view::npos;
      const std::int64_t day = t >= 0 ? t / 86'400 : -((-t + 86'399) / 86'400);
      EXPECT_EQ(*back, has_time ? t : day * 86'400) << v;
    }
  }
  EXPECT_EQ(*table_dates::date_seconds("2024-02-29 12:00:00", "%Y-%m-%d %H:%M:%S"), 1'709'208'000);
  EXPECT_FALSE(table_dates::date_seconds("2023-02-29", "%Y-%m-%d"));
  EXPECT_FALSE(table_dates::date_seconds("2015-01-0b", "%Y-%m-%d"));
  EXPECT_FALSE(table_dates::date_seconds("2015-01-01 00:00:00", "%Y-%m-%d"));
}

// updated_at is never before created_at in any real row, and is 0-30 days after it: so in
// every canary row, at one of the gaps the table shows.
TEST_F(TimeOrderTest, ALaterDateStaysLaterByAGapItsNeighboursShow) {
  const auto db = dir_ / "people.db";
  people_table(db, 500, 631152);
  auto r = plant_into("sqlite://" + db.string(), "persons", "prod-db", 300);
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_EQ(r->plan.columns[4].describe(), "profiled: dates like %Y-%m-%d %H:%M:%S, never before created_at");
  EXPECT_EQ(column(db, "SELECT count(*) FROM persons WHERE id > 500 AND updated_at >= created_at AND "
                       "updated_at = datetime(updated_at) AND "
                       "(julianday(updated_at) - julianday(created_at)) * 86400 IN "
                       "(SELECT (julianday(updated_at) - julianday(created_at)) * 86400 FROM persons WHERE id <= 500)")[0],
            "300");
  // The canaries' own times are drawn, not copied: many different ones.
  EXPECT_GT(std::stoi(column(db, "SELECT count(DISTINCT created_at) FROM persons WHERE id > 500")[0]), 290);
  // A column with no order to keep is drawn on its own: before created_at in some rows.
  EXPECT_GT(std::stoi(column(db, "SELECT count(*) FROM persons WHERE id > 500 AND checked_on < date(created_at)")[0]), 30);
}

TEST_F(TimeOrderTest, OneRowOutOfOrderMeansNoOrder) {
  const auto db = dir_ / "people.db";
  sql(db, "CREATE TABLE persons (id INTEGER PRIMARY KEY, xm TEXT, sfzh TEXT, created_at TEXT, updated_at TEXT);"
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300) "
          "INSERT INTO persons (xm, sfzh, created_at, updated_at) SELECT 'x' || i, 'x' || i, "
          "datetime(1420070400 + i * 631152, 'unixepoch'), "
          "datetime(1420070400 + i * 631152 + CASE WHEN i = 150 THEN -86400 ELSE 86400 END, 'unixepoch') FROM n;");
  PlantRequest req;
  req.target = "sqlite://" + db.string();
  req.table = "persons";
  req.copy = "prod-db";
  req.count = 1;
  req.dry_run = true;
  req.seed = 1;
  auto r = plant(*reg_, settings_, req, clock_);
  ASSERT_TRUE(r) << r.status().message();
  ASSERT_EQ(r->plan.columns.size(), 5u);
  EXPECT_FALSE(r->plan.columns[4].follows) << r->plan.columns[4].describe();
  EXPECT_EQ(r->plan.columns[4].describe().find("never before"), std::string::npos);
}

// A table appended to since 2015: its new rows come after its newest, so the canaries'
// created_at continue from the newest at the table's pace, in id order, before the plant's
// time (the fixture's clock: 2026-11-24), and updated_at still follows each.
TEST_F(TimeOrderTest, ADatabaseGrowingInTimeGetsCanariesAfterItsNewestRow) {
  const auto db = dir_ / "people.db";
  people_table(db, 5000, 63115);
  auto r = plant_into("sqlite://" + db.string(), "persons", "prod-db", 200);
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_TRUE(r->plan.columns[3].grows) << r->plan.columns[3].describe();
  EXPECT_FALSE(r->plan.columns[4].grows);  // it follows created_at instead
  const auto newest = column(db, "SELECT max(created_at) FROM persons WHERE id <= 5000")[0];
  EXPECT_EQ(column(db, "SELECT count(*) FROM persons WHERE id > 5000 AND created_at > '" + newest +
                       "' AND created_at < '2026-11-25' AND updated_at >= created_at AND "
                       "created_at = datetime(created_at)")[0],
            "200");
  // In id order, and at about the table's pace (63,115 s a row): 200 rows within months.
  EXPECT_EQ(column(db, "SELECT count(*) FROM persons a JOIN persons b ON b.id = a.id + 1 "
                       "WHERE a.id >= 5000 AND b.created_at < a.created_at")[0],
            "0");
  const double days = std::stod(column(db, "SELECT julianday(max(created_at)) - julianday('" + newest +
                                               "') FROM persons")[0]);
  EXPECT_GT(days, 200 * 63115 / 86400.0 / 3);
  EXPECT_LT(days, 200 * 63115 / 86400.0 * 3);
}

// A table last written in 2016 whose pace would carry 200 rows past today: squeezed in
// before the plant's time instead.
TEST_F(TimeOrderTest, NewestRowsNeverComeFromTheFuture) {
  const auto db = dir_ / "people.db";
  sql(db, "CREATE TABLE persons (id INTEGER PRIMARY KEY, xm TEXT, sfzh TEXT, created_at TEXT);"
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) "
          "INSERT INTO persons (xm, sfzh, created_at) SELECT 'x' || i, 'x' || i, "
          "date(946684800 + i * 5000000, 'unixepoch') FROM n;");  // 2000-2015, 58 days a row
  ASSERT_TRUE(plant_into("sqlite://" + db.string(), "persons", "prod-db", 200));
  EXPECT_EQ(column(db, "SELECT count(*) FROM persons WHERE id > 100 AND created_at > "
                       "(SELECT max(created_at) FROM persons WHERE id <= 100) AND created_at <= '2026-11-24'")[0],
            "200");
}

// A file in created_at order keeps it: each canary row goes where its time sorts, all over
// the file, not at its end.
TEST_F(TimeOrderTest, AFileInDateOrderStaysInDateOrder) {
  const auto file = dir_ / "export.csv";
  std::string original = "xm,sfzh,created_at\n";
  for (int i = 1; i <= 2000; ++i) {
    original += "name" + std::to_string(i) + ",11010519800101" + std::to_string(1000 + i) + "," +
                table_dates::format_seconds("%Y-%m-%d %H:%M:%S", 1'420'070'400 + i * 63'115) + "\n";
  }
  write_file(file, original);
  auto r = plant_into(file.string(), "", "vendor", 100);
  ASSERT_TRUE(r) << r.status().message();
  expect_in_order_all_over(
      file, 1, false,
      [](const std::string& line) {
        return table_dates::date_seconds(line.substr(line.rfind(',') + 1), "%Y-%m-%d %H:%M:%S");
      },
      [](const std::string& line) { return line.rfind("name", 0) == 0; });
}

// An export newest first stays newest first.
TEST_F(TimeOrderTest, AFileNewestFirstStaysNewestFirst) {
  const auto file = dir_ / "export.jsonl";
  std::string original;
  for (int i = 2000; i >= 1; --i) {
    original += "{\"xm\": \"name" + std::to_string(i) + "\", \"sfzh\": \"11010519800101" + std::to_string(1000 + i) +
                "\", \"registered\": \"" + table_dates::format_seconds("%Y-%m-%d", 1'420'070'400 + i * 86'400) + "\"}\n";
  }
  write_file(file, original);
  auto r = plant_into(file.string(), "", "vendor", 100);
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_TRUE(r->plan.columns[2].newest_first) << r->plan.columns[2].describe();
  expect_in_order_all_over(
      file, 0, true,
      [](const std::string& line) -> std::optional<std::int64_t> {
        const auto at = line.find("\"registered\":");
        if (at == std::string::npos) return std::nullopt;
        return table_dates::date_seconds(line.substr(line.find('"', at + 13) + 1, 10), "%Y-%m-%d");
      },
      [](const std::string& line) { return line.find("\"name") != std::string::npos; });
}

// Dates that go back now and then (a tenth of the rows imported late) are no order to keep.
TEST_F(TimeOrderTest, DatesOftenOutOfOrderDoNotGrow) {
  const auto db = dir_ / "people.db";
  sql(db, "CREATE TABLE persons (id INTEGER PRIMARY KEY, xm TEXT, sfzh TEXT, created_at TEXT);"
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) "
          "INSERT INTO persons (xm, sfzh, created_at) SELECT 'x' || i, 'x' || i, "
          "datetime(1420070400 + CASE WHEN i % 10 = 0 THEN 0 ELSE i * 63115 END, 'unixepoch') FROM n;");
  auto r = plant_into("sqlite://" + db.string(), "persons", "prod-db", 1, {}, Locale::kZhCN, true);
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_FALSE(r->plan.columns[3].grows) << r->plan.columns[3].describe();
}

// As Python's csv.QUOTE_NONNUMERIC and sqlite3's .mode csv write: text quoted, numbers not,
// NULL empty and unquoted; times to the second all different (no key).
TEST_F(TimeOrderTest, CsvRowsAreQuotedColumnByColumnAndTheirTimesAreTimes) {
  const auto file = dir_ / "export.csv";
  std::string original = "id,xm,sfzh,sjhm,note,created_at,updated_at\n";
  for (int i = 1; i <= 400; ++i) {
    const std::int64_t created = 1'420'070'400 + i * 631'152;
    original += std::to_string(i) + ",\"name" + std::to_string(i) + "\",\"11010519800101" + std::to_string(1000 + i) +
                "\"," + std::to_string(13800001000LL + i) + "," + (i % 4 ? "\"vip\"" : "") + ",\"" +
                table_dates::format_seconds("%Y-%m-%d %H:%M:%S", created) + "\",\"" +
                table_dates::format_seconds("%Y-%m-%d %H:%M:%S", created + (i * 7919 % 31) * 86'400) + "\"\n";
  }
  write_file(file, original);
  auto r = plant_into(file.string(), "", "vendor", 50);
  ASSERT_TRUE(r) << r.status().message();
  int canaries = 0;
  for (const auto& line : lines_of(read_file(file))) {
    if (line.find("@") != std::string::npos) FAIL() << "no e-mail column here: " << line;
    if (line.rfind("id,", 0) == 0) continue;
    const auto id = std::stoi(line.substr(0, line.find(',')));
    if (id <= 400) continue;
    ++canaries;
    // id unquoted, name and ID quoted, phone unquoted, note quoted or empty, both times quoted.
    std::vector<std::string> fields;
    std::string field;
    bool quoted = false;
    for (char c : line) {
      if (c == '"') quoted = !quoted;
      if (c == ',' && !quoted) {
        fields.push_back(field);
        field.clear();
      } else {
        field += c;
      }
    }
    fields.push_back(field);
    ASSERT_EQ(fields.size(), 7u) << line;
    EXPECT_NE(fields[0].front(), '"') << line;
    EXPECT_EQ(fields[1].front(), '"') << line;
    EXPECT_EQ(fields[2].front(), '"') << line;
    EXPECT_NE(fields[3].front(), '"') << line;
    EXPECT_TRUE(fields[4].empty() || fields[4] == "\"vip\"") << line;
    ASSERT_EQ(fields[5].size(), 21u) << line;
    ASSERT_EQ(fields[6].size(), 21u) << line;
    const auto created = table_dates::date_seconds(fields[5].substr(1, 19), "%Y-%m-%d %H:%M:%S");
    const auto updated = table_dates::date_seconds(fields[6].substr(1, 19), "%Y-%m-%d %H:%M:%S");
    ASSERT_TRUE(created && updated) << line;
    EXPECT_GE(*updated, *created) << line;
    EXPECT_LE(*updated - *created, 30 * 86'400) << line;
  }
  EXPECT_EQ(canaries, 50);
}

// JSON Lines as Python's json.dumps writes them by default (", " and ": ", non-ASCII as
// \u escapes) get canary lines written the same way; compact UTF-8 ones compact UTF-8 lines.
TEST_F(TimeOrderTest, JsonLinesKeepTheFilesSpacingAndEscapes) {
  for (const bool python : {true, false}) {
    SCOPED_TRACE(python ? "json.dumps" : "compact");
    const auto file = dir_ / (python ? "python.jsonl" : "compact.jsonl");
    std::string original;
    for (int i = 1; i <= 300; ++i) {
      const std::string name = python ? "\\u5f20\\u4e09" + std::to_string(i) : "张三" + std::to_string(i);
      const std::string sep = python ? ", " : ",", colon = python ? ": " : ":";
      original += "{\"xm\"" + colon + "\"" + name + "\"" + sep + "\"sfzh\"" + colon + "\"11010519800101" +
                  std::to_string(1000 + i) + "\"" + sep + "\"n\"" + colon + std::to_string(i % 7) + "}\n";
    }
    write_file(file, original);
    ASSERT_TRUE(plant_into(file.string(), "", python ? "vendor-py" : "vendor-c", 20));
    // (The canaries' IDs start 11010519800101 too: the table's people all live in 110105
    // and were born on 1980-01-01.)
    int canaries = 0;
    for (const auto& line : added_lines(read_file(file), original)) {
      ++canaries;
      EXPECT_EQ(line.rfind(python ? "{\"xm\": \"\\u" : "{\"xm\":\"", 0), 0u) << line;
      EXPECT_NE(line.find(python ? "\", \"sfzh\": \"" : "\",\"sfzh\":\""), std::string::npos) << line;
      EXPECT_EQ(std::any_of(line.begin(), line.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }),
                !python)
          << line;
    }
    EXPECT_EQ(canaries, 20);
  }
}

// Nobody in the table was registered before 18: no canary is either, in a file in no
// order of time, in a file in time order (each canary where its time sorts) or in a database
// whose new rows come after its newest (2022; the generator's youngest are 14 then).
TEST_F(TimeOrderTest, CanariesAreNoYoungerAtTheirDatesThanAnyNeighbour) {
  struct Case {
    std::string name;
    bool by_time, database;
  };
  for (const Case& c : {Case{"name order", false, false}, Case{"time order", true, false}, Case{"database", true, true}}) {
    SCOPED_TRACE(c.name);
    const auto rows = adult_rows(3000, c.by_time);
    std::string target;
    if (c.database) {
      const auto db = dir_ / ("adults-" + c.name.substr(0, 1) + ".db");
      std::string insert = "CREATE TABLE persons (id INTEGER PRIMARY KEY, xm TEXT, sfzh TEXT, csrq TEXT, created_at TEXT);";
      for (const auto& r : rows) insert += "INSERT INTO persons (xm, sfzh, csrq, created_at) VALUES ('" + r[0] + "', '" + r[1] + "', '" + r[2] + "', '" + r[3] + "');";
      sql(db, "BEGIN;" + insert + "COMMIT;");
      target = "sqlite://" + db.string();
    } else {
      const auto file = dir_ / ("adults-" + c.name.substr(0, 1) + ".csv");
      std::string text = "xm,sfzh,csrq,created_at\n";
      for (const auto& r : rows) text += r[0] + "," + r[1] + "," + r[2] + "," + r[3] + "\n";
      write_file(file, text);
      target = file.string();
    }
    auto r = plant_into(target, c.database ? "persons" : "", "adults-" + c.name.substr(0, 1), 400);
    ASSERT_TRUE(r) << r.status().message();
    const ColumnPlan& created = r->plan.columns[c.database ? 4 : 3];
    EXPECT_NE(created.describe().find(", from age 18"), std::string::npos) << created.describe();
    std::vector<std::array<std::string, 2>> canaries;  // birth date, created_at
    if (c.database) {
      for (const auto& line : column(target.substr(9), "SELECT csrq || ',' || created_at FROM persons WHERE id > 3000")) {
        canaries.push_back({line.substr(0, line.find(',')), line.substr(line.find(',') + 1)});
      }
    } else {
      for (const auto& line : lines_of(read_file(target))) {
        if (line.rfind("name", 0) == 0 || line.rfind("xm,", 0) == 0) continue;
        const auto third = line.find(',', line.find(',') + 1);
        canaries.push_back({line.substr(third + 1, 10), line.substr(third + 12)});
      }
    }
    ASSERT_EQ(canaries.size(), 400u);
    int young = 0;
    for (const auto& [birth, created] : canaries) young += age_on(birth, created) < 18;
    EXPECT_EQ(young, 0);
  }
}

// A date some row shows before its person's birth (a column of other people's dates, or a
// few wrong rows) bounds no age.
TEST_F(TimeOrderTest, ADateBeforeABirthBoundsNoAge) {
  auto rows = adult_rows(200, false);
  rows[100][3] = "1940-01-01 00:00:00";
  const auto file = dir_ / "mixed.csv";
  std::string text = "xm,sfzh,csrq,created_at\n";
  for (const auto& r : rows) text += r[0] + "," + r[1] + "," + r[2] + "," + r[3] + "\n";
  write_file(file, text);
  auto r = plant_into(file.string(), "", "vendor", 1, {}, Locale::kZhCN, true);
  ASSERT_TRUE(r) << r.status().message();
  ASSERT_EQ(r->plan.columns.size(), 4u);
  EXPECT_EQ(r->plan.columns[2].describe(), "<- birth_date as %Y-%m-%d, births near the table's");
  EXPECT_FALSE(r->plan.columns[3].min_age) << r->plan.columns[3].describe();
}

}  // namespace
}  // namespace canarytrap::testing
