#include <nlohmann/json.hpp>

#include <sstream>

#include "canarytrap/fake/validators.h"
#include "plant/plant_fixture.h"

namespace canarytrap::testing {
namespace {

using FilePlantTest = PlantTest;

std::string csv_rows(int n, const std::string& sep, bool quote_all) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    std::vector<std::string> cells = {"name" + std::to_string(i), "11010519800101" + std::to_string(100 + i) + "X",
                                      "1380000" + std::to_string(1000 + i), "user" + std::to_string(i) + "@x.cn",
                                      i % 3 ? "gold" : "silver"};
    for (std::size_t c = 0; c < cells.size(); ++c) {
      if (c) out += sep;
      out += quote_all ? "\"" + cells[c] + "\"" : cells[c];
    }
    out += "\n";
  }
  return out;
}

TEST_F(FilePlantTest, AColumnOfDistinctIdsGetsNewIds) {
  const auto file = dir_ / "export.csv";
  std::string original = "customer_id,ref,name,mobile,email,tier\n";
  for (int i = 1; i <= 300; ++i) {
    char ref[16];
    std::snprintf(ref, sizeof ref, "C-%05d", i);
    original += std::to_string(1000 + i) + "," + ref + ",name" + std::to_string(i) + ",1380000" + std::to_string(1000 + i) +
                ",user" + std::to_string(i) + "@x.cn," + (i % 3 ? "gold" : "silver") + "\n";
  }
  write_file(file, original);
  auto r = plant_into("file:" + file.string(), "", "vendor-acme-export", 100);
  ASSERT_TRUE(r) << r.status().message();
  std::set<std::string> ids, refs;
  int canaries = 0;
  for (const auto& line : lines_of(read_file(file))) {
    if (line.rfind("customer_id", 0) == 0) continue;
    const auto c1 = line.find(','), c2 = line.find(',', c1 + 1);
    ids.insert(line.substr(0, c1));
    refs.insert(line.substr(c1 + 1, c2 - c1 - 1));
    if (line.find("@mail.example.net") == std::string::npos) continue;
    ++canaries;
    // In the neighbours' form: digits; "C-" and five digits.
    EXPECT_EQ(line.substr(0, c1).find_first_not_of("0123456789"), std::string::npos) << line;
    EXPECT_EQ(c2 - c1 - 1, 7u) << line;
    EXPECT_EQ(line.substr(c1 + 1, 2), "C-") << line;
  }
  EXPECT_EQ(canaries, 100);
  EXPECT_EQ(ids.size(), 400u);
  EXPECT_EQ(refs.size(), 400u);
}

TEST_F(FilePlantTest, ProfiledColumnsFollowTheWholeFileNotItsFirstRows) {
  // 4,000 rows, the first half 'legacy' rows of 2011 and the rest 'active' rows of 2024: a
  // CSV file and the same rows as JSON Lines.
  const auto csv = dir_ / "export.csv";
  const auto jsonl = dir_ / "export.jsonl";
  std::string csv_text = "email,status,registered\n", jsonl_text;
  for (int i = 1; i <= 4000; ++i) {
    const std::string email = "user" + std::to_string(i) + "@x.cn";
    const std::string status = i <= 2000 ? "legacy" : "active", date = i <= 2000 ? "2011-05-06" : "2024-07-08";
    csv_text += email + "," + status + "," + date + "\n";
    jsonl_text += R"({"email":")" + email + R"(","status":")" + status + R"(","registered":")" + date + "\"}\n";
  }
  write_file(csv, csv_text);
  write_file(jsonl, jsonl_text);
  for (const auto& file : {csv, jsonl}) {
    auto r = plant_into("file:" + file.string(), "", "vendor-acme-export", 200);
    ASSERT_TRUE(r) << file << ": " << r.status().message();
    int canaries = 0, active = 0, recent = 0;
    for (const auto& line : lines_of(read_file(file))) {
      if (line.find("@mail.example.net") == std::string::npos) continue;
      ++canaries;
      active += line.find("active") != std::string::npos;
      recent += line.find("2024-") != std::string::npos;
    }
    EXPECT_EQ(canaries, 200) << file;
    EXPECT_GT(active, 50) << file;
    EXPECT_LT(active, 150) << file;
    EXPECT_GT(recent, 50) << file;
  }
}

TEST_F(FilePlantTest, CsvKeepsHeaderAndInterleavesRows) {
  const auto file = dir_ / "export.csv";
  const std::string original = "name,id_card,mobile,email,tier\n" + csv_rows(400, ",", false);
  write_file(file, original);
  auto r = plant_into("file:" + file.string(), "", "vendor-acme-export", 40);
  ASSERT_TRUE(r) << r.status().message();
  const auto lines = lines_of(read_file(file));
  ASSERT_EQ(lines.size(), 441u);
  EXPECT_EQ(lines[0], "name,id_card,mobile,email,tier");
  // Canary rows (our mail domain) are spread through the file, not appended at the end.
  std::vector<std::size_t> at;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].find("@mail.example.net") != std::string::npos) at.push_back(i);
  }
  ASSERT_EQ(at.size(), 40u);
  EXPECT_LT(at.front(), 200u);
  EXPECT_GT(at.back(), 240u);
  // Original rows are all still there, in their order.
  std::string without;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].find("@mail.example.net") == std::string::npos) without += lines[i] + "\n";
  }
  EXPECT_EQ("name,id_card,mobile,email,tier\n" + without, original);
  // Row keys are the canaries' record numbers in the new file.
  for (std::size_t i = 0; i < r->row_keys.size(); ++i) {
    const std::size_t n = std::stoul(r->row_keys[i]);
    EXPECT_NE(lines[n].find(*r->rows[i][3]), std::string::npos);
  }
  // The tier column follows its neighbours' values.
  for (std::size_t i : at) {
    const std::string tier = lines[i].substr(lines[i].rfind(',') + 1);
    EXPECT_TRUE(tier == "gold" || tier == "silver") << lines[i];
  }
}

TEST_F(FilePlantTest, TsvAndQuotingStyleAreDetected) {
  const auto tsv = dir_ / "export.tsv";
  write_file(tsv, "xm\tsfzh\tsjhm\tyx\tlevel\n" + csv_rows(50, "\t", false));
  ASSERT_TRUE(plant_into(tsv.string(), "", "c1", 5));
  for (const auto& line : lines_of(read_file(tsv))) {
    EXPECT_EQ(std::count(line.begin(), line.end(), '\t'), 4) << line;
    EXPECT_EQ(line.find(','), std::string::npos);
  }
  const auto quoted = dir_ / "quoted.csv";
  write_file(quoted, "\"name\",\"id_card\",\"mobile\",\"email\",\"tier\"\r\n" + csv_rows(50, ",", true));
  ASSERT_TRUE(plant_into(quoted.string(), "", "c2", 5));
  for (const auto& line : lines_of(read_file(quoted))) {
    if (line.find("@mail.example.net") == std::string::npos) continue;
    EXPECT_EQ(line.front(), '"') << line;
    EXPECT_EQ(std::count(line.begin(), line.end(), '"'), 10) << line;
  }
}

TEST_F(FilePlantTest, JsonLinesKeepNumbersAndKeyOrder) {
  const auto file = dir_ / "users.jsonl";
  std::string original;
  for (int i = 0; i < 30; ++i) {
    original += "{\"uid\":" + std::to_string(1000 + i) + ",\"name\":\"用户" + std::to_string(i) +
                "\",\"id_number\":\"110105198001011" + std::to_string(10 + i) + "X\",\"phone\":\"1380000" +
                std::to_string(1000 + i) + "\",\"vip\":" + (i % 2 ? "true" : "false") + "}\n";
  }
  write_file(file, original);
  auto r = plant_into("file:" + file.string(), "", "jsonl-copy", 6);
  ASSERT_TRUE(r) << r.status().message();
  int canaries = 0;
  for (const auto& line : lines_of(read_file(file))) {
    auto j = nlohmann::ordered_json::parse(line);
    std::vector<std::string> keys;
    for (const auto& [k, v] : j.items()) keys.push_back(k);
    EXPECT_EQ(keys, (std::vector<std::string>{"uid", "name", "id_number", "phone", "vip"}));
    EXPECT_TRUE(j["uid"].is_number()) << line;
    // (By name: a canary's ID may start 110105198001011 too, the table's people's county and
    // birth date.)
    if (j["name"].get<std::string>().rfind("用户", 0) != 0) {
      ++canaries;
      EXPECT_TRUE(validate_resident_id(j["id_number"].get<std::string>(), 2026, 11, 24).ok()) << line;
    }
  }
  EXPECT_EQ(canaries, 6);
}

TEST_F(FilePlantTest, FileUnplantRemovesOnlyCanaryRows) {
  const auto file = dir_ / "export.csv";
  const std::string original = "name,id_card,mobile,email,tier\n" + csv_rows(100, ",", false);
  write_file(file, original);
  ASSERT_TRUE(plant_into(file.string(), "", "vendor", 10));
  ASSERT_TRUE(plant_into(file.string(), "", "other", 3));
  auto r = unplant(*reg_, file.string(), "vendor", std::nullopt, clock_);
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_EQ(r->rows_removed, 10u);
  EXPECT_EQ(lines_of(read_file(file)).size(), 104u);
  auto other = unplant(*reg_, file.string(), "other", std::nullopt, clock_);
  ASSERT_TRUE(other);
  EXPECT_EQ(read_file(file), original);
}

TEST_F(FilePlantTest, ARowRemovedByHandKeepsItsPlacementActive) {
  const auto file = dir_ / "export.csv";
  write_file(file, "name,id_card,mobile,email,tier\n" + csv_rows(50, ",", false));
  ASSERT_TRUE(plant_into(file.string(), "", "vendor", 4));
  // Someone deletes one canary row by hand (the first line with a canary address).
  auto lines = lines_of(read_file(file));
  std::string edited;
  bool dropped = false;
  for (const auto& line : lines) {
    if (!dropped && line.find("@mail.example.net") != std::string::npos) {
      dropped = true;
      continue;
    }
    edited += line + "\n";
  }
  write_file(file, edited);
  auto r = unplant(*reg_, file.string(), "vendor", std::nullopt, clock_);
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_EQ(r->rows_removed, 3u);
  EXPECT_EQ(r->placements, 3u);
  EXPECT_EQ(r->not_found, 1u);
  auto active = active_in("vendor", file.string());
  ASSERT_TRUE(active);
  ASSERT_EQ(active->size(), 1u);
  // The one left active is the canary whose row was deleted: its address is in no line now.
  for (const auto& v : active->front().values) EXPECT_EQ(read_file(file).find(v), std::string::npos) << v;
}

TEST_F(FilePlantTest, DryRunAndErrorsLeaveFilesByteIdentical) {
  const auto file = dir_ / "export.csv";
  const std::string original = "name,id_card,mobile,email,tier\n" + csv_rows(20, ",", false);
  write_file(file, original);
  ASSERT_TRUE(plant_into(file.string(), "", "c", 5, {}, Locale::kZhCN, true));
  EXPECT_FALSE(plant_into(file.string(), "", "c", 5, {{"nope", "email"}}));
  const auto broken = dir_ / "broken.csv";
  write_file(broken, "a,b\n\"unterminated,x\n");
  auto r = plant_into(broken.string(), "", "c", 1, {{"a", "email"}});
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find("unbalanced quotes"), std::string::npos);
  const auto notjson = dir_ / "bad.jsonl";
  write_file(notjson, "{\"email\":\"a@b.c\"}\nnot json\n");
  auto j = plant_into(notjson.string(), "", "c", 1);
  ASSERT_FALSE(j);
  EXPECT_NE(j.status().message().find("line 2"), std::string::npos);
  EXPECT_EQ(read_file(file), original);
  EXPECT_EQ(canary_count(), 0u);
  // No staging files left behind.
  for (const auto& e : std::filesystem::directory_iterator(dir_.path())) {
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
  }
}

TEST(TargetUriTest, FormsAndErrors) {
  EXPECT_EQ(parse_target_uri("sqlite:///var/db/app.db")->path, "/var/db/app.db");
  EXPECT_EQ(parse_target_uri("sqlite:rel.db")->path, "rel.db");
  EXPECT_EQ(parse_target_uri("file:out/x.csv")->kind, TargetKind::kCsv);
  EXPECT_EQ(parse_target_uri("x.tsv")->kind, TargetKind::kCsv);
  EXPECT_EQ(parse_target_uri("x.jsonl")->kind, TargetKind::kJsonl);
  EXPECT_EQ(parse_target_uri("app.sqlite3")->kind, TargetKind::kSqlite);
  EXPECT_FALSE(parse_target_uri("x.parquet"));
  EXPECT_FALSE(parse_target_uri(""));
  auto pg = parse_target_uri("postgresql://app:secret@db/people");
  ASSERT_TRUE(pg);
  EXPECT_EQ(pg->kind, TargetKind::kPostgres);
  EXPECT_EQ(pg->redacted, "postgresql://app@db/people");
  EXPECT_EQ(parse_target_uri("mysql://u:p@h:3307/db")->kind, TargetKind::kMysql);
  auto bad = parse_target_uri("ftp://u:secret@h/x");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.status().message().find("secret"), std::string::npos);
}

}  // namespace
}  // namespace canarytrap::testing
