// A registry and a scratch directory for planting tests, with helpers to build targets.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "canarytrap/plant/planter.h"
#include "support/temp_dir.h"

namespace canarytrap::testing {

// A text's lines, without their line ends.
inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The lines of a planted file that its original text did not hold: the canary rows.
inline std::vector<std::string> added_lines(const std::string& planted, const std::string& original) {
  const auto before = lines_of(original);
  const std::set<std::string> real(before.begin(), before.end());
  std::vector<std::string> out;
  for (auto& line : lines_of(planted)) {
    if (!real.contains(line)) out.push_back(std::move(line));
  }
  return out;
}

class FixedClock final : public Clock {
 public:
  TimePoint now() const override { return from_unix_micros(1'795'548'183'000'000); }
};

class PlantTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = Registry::open(dir_ / "registry.db", {.create_if_missing = true});
    ASSERT_TRUE(r) << r.status().message();
    reg_ = std::move(*r);
    // A new registry's value mark key is random (store migration 8), and the people a seeded
    // plant draws depend on it: fixed here, so that each test plants the same people each run.
    sql(dir_ / "registry.db", "UPDATE registry_state SET value = 7215798834506142361 WHERE name = 'value_mark_key'");
    auto key = reg_->value_mark_key();
    ASSERT_TRUE(key && *key == 7215798834506142361ULL);
  }

  // Runs SQL against an SQLite file (creating it), failing the test on error.
  void sql(const std::filesystem::path& db, const std::string& statements) {
    sqlite3* h = nullptr;
    ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
    char* err = nullptr;
    const int rc = sqlite3_exec(h, statements.c_str(), nullptr, nullptr, &err);
    const std::string msg = err ? err : "";
    sqlite3_free(err);
    sqlite3_close(h);
    ASSERT_EQ(rc, SQLITE_OK) << msg;
  }

  // One-column query result as strings.
  std::vector<std::string> column(const std::filesystem::path& db, const std::string& query) {
    sqlite3* h = nullptr;
    sqlite3_open(db.c_str(), &h);
    sqlite3_stmt* st = nullptr;
    std::vector<std::string> out;
    if (sqlite3_prepare_v2(h, query.c_str(), -1, &st, nullptr) == SQLITE_OK) {
      while (sqlite3_step(st) == SQLITE_ROW) {
        const auto* t = sqlite3_column_text(st, 0);
        out.emplace_back(t ? reinterpret_cast<const char*>(t) : "NULL");
      }
    }
    sqlite3_finalize(st);
    sqlite3_close(h);
    return out;
  }

  Result<PlantReport> plant_into(const std::string& target, const std::string& table, const std::string& copy,
                                 std::int64_t count, std::map<std::string, std::string> maps = {},
                                 Locale locale = Locale::kZhCN, bool dry_run = false) {
    PlantRequest req;
    req.target = target;
    req.table = table;
    req.copy = copy;
    req.count = count;
    req.maps = std::move(maps);
    req.locale = locale;
    req.dry_run = dry_run;
    req.seed = ++seed_;  // reproducible, and a new set of people for each plant
    return plant(*reg_, settings_, req, clock_);
  }

  std::int64_t copy_id(const std::string& name) {
    auto copy = reg_->find_copy(name);
    EXPECT_TRUE(copy && *copy) << name;
    return copy && *copy ? (*copy)->id : 0;
  }

  // The copy's placements in the target not retired.
  Result<std::vector<PlacementRow>> active_in(const std::string& copy, const std::string& target) {
    auto uri = parse_target_uri(target);
    if (!uri) return uri.status();
    return reg_->active_placements(copy_id(copy), uri->redacted, std::nullopt);
  }

  std::size_t canary_count() {
    auto rows = reg_->list_canaries({});
    return rows ? rows->size() : 0;
  }

  TempDir dir_;
  FixedClock clock_;
  PlantSettings settings_{"canary.example.net", {"mail.example.net"}, "http"};
  std::unique_ptr<Registry> reg_;
  std::uint64_t seed_ = 17;
};

}  // namespace canarytrap::testing
