// The scan issue's end-to-end scenario, with the real binary and real dump tools:
// a persons table of 1,000,000 generated rows (CT_SCAN_SCENARIO_ROWS to change it), canaries
// planted for three copies at different times (the backup derived from production with
// `copies derive`), 0.5% random samples leaked as CSV, gzip'd JSON Lines with reformatted
// phones and upper-cased e-mails, a pg_dump and a mysqldump; and a file from no copy at all.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <thread>

#include "support/db_env.h"
#include "support/run_process.h"
#include "support/temp_dir.h"

namespace canarytrap::testing {
namespace {

using nlohmann::json;

class LeakScenarioTest : public ::testing::Test {
 protected:
  ProcessResult ct(const std::vector<std::string>& args) { return run_canarytrap(args, {dir_.path(), {}}); }
  json ct_json(const std::vector<std::string>& args) {
    auto r = ct(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out);
  }
  void sh(const std::string& command) {
    auto r = run_process({"/bin/sh", "-c", command}, {dir_.path(), {}});
    ASSERT_EQ(r.exit_code, 0) << command << "\n" << r.out << r.err;
  }
  std::string now() {
    auto r = run_process({"/bin/date", "-u", "+%Y-%m-%dT%H:%M:%S.%NZ"});
    return r.out.substr(0, r.out.size() - 1);
  }
  static void pause() { std::this_thread::sleep_for(std::chrono::milliseconds(1100)); }
  // A plant dense enough that a 0.5% sample holds one of its canaries with 99.99% probability.
  void plant(const std::string& file, const std::string& copy, const std::string& seed) {
    auto r = ct({"plant", "--target", "file:" + file, "--copy", copy, "--sample-fraction", "0.005", "--confidence",
                 "0.9999", "--seed", seed});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  // Rows of `from` (header kept) sampled at 0.5% with a fixed seed, written by `how`.
  void sample(const std::string& from, const std::string& to, const std::string& how, int seed) {
    sh("python3 - <<'EOF'\n"
       "import csv, gzip, json, random\n"
       "random.seed(" + std::to_string(seed) + ")\n"
       "src = open('" + from + "', encoding='utf-8', newline='')\n"
       "reader = csv.reader(src)\n"
       "header = next(reader)\n"
       "rows = [r for r in reader if random.random() < 0.005]\n"
       "how = '" + how + "'\n"
       "if how == 'csv':\n"
       "    w = csv.writer(open('" + to + "', 'w', encoding='utf-8', newline=''))\n"
       "    w.writerow(header)\n"
       "    w.writerows(rows)\n"
       "else:\n"
       "    with gzip.open('" + to + "', 'wt', encoding='utf-8') as f:\n"
       "        for r in rows:\n"
       "            d = dict(zip(header, r))\n"
       "            p = d['phone']\n"
       "            d['phone'] = '+86 %s-%s-%s' % (p[:3], p[3:7], p[7:])\n"
       "            d['email'] = d['email'].upper()\n"
       "            f.write(json.dumps(d, ensure_ascii=False) + '\\n')\n"
       "EOF");
  }
  static json only_file(const json& scan) { return scan["files"][0]; }

  TempDir dir_;
};

TEST_F(LeakScenarioTest, SamplesInEveryFormatAreAttributedAndDated) {
  const char* env_rows = std::getenv("CT_SCAN_SCENARIO_ROWS");
  const std::string rows = env_rows ? env_rows : "1000000";
  ASSERT_EQ(ct({"init", "--zone", "canary.example.net", "--mail-domain", "mail.example.net"}).exit_code, 0);
  sh("'" + std::string(CANARYTRAP_BIN) + "' fake --locale zh_CN --count " + rows + " --seed 11 > persons.csv");
  sh("cp persons.csv vendor.csv");  // the raw export handed to a vendor

  plant("persons.csv", "prod", "21");
  pause();
  sh("cp persons.csv backup.csv");
  ASSERT_EQ(ct({"copies", "derive", "backup", "--from", "prod"}).exit_code, 0);
  pause();
  plant("backup.csv", "backup", "22");
  plant("vendor.csv", "vendor", "23");
  pause();
  const std::string exported_at = now();
  sample("backup.csv", "backup_sample.csv", "csv", 5);
  pause();
  plant("backup.csv", "backup", "24");  // after the theft: absent from the sample
  sample("persons.csv", "prod_sample.jsonl.gz", "jsonl", 6);
  sample("vendor.csv", "vendor_sample.csv", "csv", 7);
  sh("'" + std::string(CANARYTRAP_BIN) + "' fake --locale zh_CN --count 5000 --seed 99 > elsewhere.csv");

  // The backup sample, also through PostgreSQL and MariaDB and their dump tools.
  const std::string columns =
      "name text, gender text, birth_date text, ethnicity text, province text, city text, district text, address "
      "text, id_number text, phone text, email text, photo_url text";
  pg_query("DROP TABLE IF EXISTS leaked; CREATE TABLE leaked (" + columns + ")");
  const std::string pg_bin = db_env().at("CT_TEST_PG_BIN");
  sh(pg_bin + "/psql -q -v ON_ERROR_STOP=1 '" + db_env().at("CT_TEST_PG_URI") +
     "' -c \"\\copy leaked FROM 'backup_sample.csv' WITH (FORMAT csv, HEADER true)\"");
  sh(pg_bin + "/pg_dump '" + db_env().at("CT_TEST_PG_URI") + "' -t leaked -f backup_sample.pg.sql");
  mysql_query("DROP TABLE IF EXISTS leaked; CREATE TABLE leaked (" + columns + ") DEFAULT CHARSET=utf8mb4");
  sh("python3 - <<'EOF'\n"
     "import csv\n"
     "rows = list(csv.reader(open('backup_sample.csv', encoding='utf-8')))[1:]\n"
     "q = lambda v: \"'\" + v.replace('\\\\', '\\\\\\\\').replace(\"'\", \"''\") + \"'\"\n"
     "with open('load.sql', 'w', encoding='utf-8') as f:\n"
     "    f.write('SET NAMES utf8mb4;\\n')\n"
     "    for r in rows:\n"
     "        f.write('INSERT INTO leaked VALUES (' + ','.join(q(v) for v in r) + ');\\n')\n"
     "EOF");
  const std::string my = " --no-defaults -h127.0.0.1 -P" + db_env().at("CT_TEST_MYSQL_PORT") +
                         " -ucanary -pcanary-secret --default-character-set=utf8mb4 people ";
  sh("mariadb" + my + "< load.sql");
  sh("mysqldump" + my + "leaked > backup_sample.mysql.sql");

  for (const char* file : {"backup_sample.csv", "backup_sample.pg.sql", "backup_sample.mysql.sql"}) {
    json f = only_file(ct_json({"scan", "--json", file}));
    ASSERT_EQ(f["copy"], "backup") << file << ": " << f["verdict"];
    EXPECT_GT(f["canaries_found"].get<int>(), 0);
    // Dated: after the backup's own canaries, before the ones planted after the export, and
    // the export time inside.
    ASSERT_TRUE(f["window"].is_object()) << file;
    EXPECT_LE(f["window"]["after"].get<std::string>(), exported_at) << file;
    ASSERT_TRUE(f["window"]["before"].is_string()) << file;
    EXPECT_GE(f["window"]["before"].get<std::string>(), exported_at) << file;
    EXPECT_LT(f["window"]["absence_by_chance"].get<double>(), 0.01) << file;
    // Both the backup's own canaries and those it inherited from prod are in it.
    for (const auto& c : f["copies"]) {
      if (c["copy"] == "backup") {
        EXPECT_GT(c["own_found"].get<int>(), 0) << file;
        EXPECT_GT(c["found"].get<int>(), c["own_found"].get<int>()) << file;
      }
    }
  }
  json prod = only_file(ct_json({"scan", "--json", "prod_sample.jsonl.gz"}));
  EXPECT_EQ(prod["compression"], "gzip");
  EXPECT_EQ(prod["copy"], "prod") << prod["verdict"];
  json vendor = only_file(ct_json({"scan", "--json", "vendor_sample.csv"}));
  EXPECT_EQ(vendor["copy"], "vendor") << vendor["verdict"];

  auto none = ct({"scan", "elsewhere.csv"});
  ASSERT_EQ(none.exit_code, 0) << none.err;
  EXPECT_NE(none.out.find("0 canaries found"), std::string::npos) << none.out;
  EXPECT_NE(none.out.find("P(no canary)"), std::string::npos) << none.out;
  json nothing = only_file(ct_json({"scan", "--json", "elsewhere.csv"}));
  EXPECT_EQ(nothing["canaries_found"], 0);
  ASSERT_EQ(nothing["none_found"].size(), 3u);
  for (const auto& n : nothing["none_found"]) EXPECT_LT(n["probability_of_none"].get<double>(), 1.0) << n.dump();

  // The HTML report is one self-contained page.
  ASSERT_EQ(ct({"scan", "--report", "report.html", "backup_sample.csv", "elsewhere.csv"}).exit_code, 0);
  std::ifstream in(dir_ / "report.html");
  std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(html.find("sample of copy &#39;backup&#39;"), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("href="), std::string::npos);
}

}  // namespace
}  // namespace canarytrap::testing
