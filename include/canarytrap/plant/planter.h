// Planting: fake people written into a target as canary rows for one copy, and registered
// (triggers, fingerprints, placements), all or nothing.
//
// Order of work: describe the target and plan its columns; draw people and register them in
// an open registry transaction (drawing again on a taken e-mail or URL); write the rows into
// the target's own transaction or staged file; record placements with the row keys; commit
// the target, then the registry. If the registry commit fails after the target's, the rows
// are removed from the target again. A --dry-run stops after planning and shows sample rows.
//
//   PlantRequest req{.target = "sqlite:///app.db", .table = "persons", .copy = "prod-db", .count = 100};
//   Result<PlantReport> r = plant(reg, settings, req, system_clock());
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "canarytrap/core/clock.h"
#include "canarytrap/plant/column_plan.h"
#include "canarytrap/plant/target.h"
#include "canarytrap/store/registry.h"

namespace canarytrap {

// How many canaries a random sample holding `fraction` of the rows must contain at least one
// of with probability `confidence`: ceil(ln(1 - P) / ln(1 - F)).
Result<std::int64_t> canaries_for_sample(double fraction, double confidence);

struct PlantSettings {
  std::string zone;
  std::vector<std::string> mail_domains;
  std::string url_scheme = "http";
};

struct PlantRequest {
  std::string target;
  std::string table;
  std::string copy;
  std::int64_t count = 0;
  Locale locale = Locale::kZhCN;
  std::map<std::string, std::string> maps;  // column -> field
  bool dry_run = false;
  // Reproducible people (tests) for one registry: their ID and phone digits follow its value
  // mark key too (value_marks.h). Triggers stay random.
  std::optional<std::uint64_t> seed;
  std::string memo;
};

struct PlantReport {
  TargetUri target;
  MappingPlan plan;
  std::int64_t existing_rows = 0;
  std::vector<TableRow> rows;            // the canary rows (dry run: samples)
  std::vector<std::int64_t> canary_ids;  // empty on a dry run
  std::vector<std::string> row_keys;
  // Where the time went: drawing people and registering them, writing the target's rows,
  // committing both.
  double register_seconds = 0, target_seconds = 0, commit_seconds = 0;
};

Result<PlantReport> plant(Registry& reg, const PlantSettings& settings, const PlantRequest& req, const Clock& clock);

struct UnplantReport {
  std::size_t placements = 0;  // retired
  std::size_t rows_removed = 0;
  std::size_t not_found = 0;   // planted rows not found: their placements stay active
};

// Removes a copy's canaries from a target (optionally one table) and retires their
// placements (kept for history). All or nothing, like plant(). A planted row it cannot find
// (removed by hand already, or no longer at its key and holding no value of its own) may
// still be in the target, so its placement stays active — a hit on it still names the copy —
// unless `retire_missing` says the rows are known to be gone.
Result<UnplantReport> unplant(Registry& reg, const std::string& target, const std::string& copy,
                              const std::optional<std::string>& table, const Clock& clock,
                              bool retire_missing = false);

}  // namespace canarytrap
