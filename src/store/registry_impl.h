// The registry's private state, shared by its source files (registry.cpp: copies, canaries,
// placements; registry_bulk.cpp: a plant's bulk writes and look-ups; hits.cpp: hits, incidents
// and the recorder's trigger index).
#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

#include "canarytrap/store/registry.h"
#include "sqlite.h"

namespace canarytrap {

struct Registry::Impl {
  std::filesystem::path path;
  sqlite::Db db;
  int schema_version = 0;
  sqlite::Stmt insert_copy, find_copy, insert_canary, insert_trigger, insert_fingerprint, insert_placement,
      find_fingerprint, trigger_taken, insert_hit, canary_copies, open_incident, join_incident, new_incident,
      link_hit, bump_needles;
  std::vector<AlertRoute> alert_routes;

  // Writes one alert per route wanting `incident` (of copy `copy_name`, `high` confidence)
  // covering hits (hit_from, hit_to], and moves the incident's alerted_through to hit_to.
  Status enqueue_alerts(std::int64_t incident, const std::string& copy_name, bool high, const std::string& event,
                        std::int64_t hit_from, std::int64_t hit_to, TimePoint now);
};

// InvalidArgument unless each of the canary's trigger tokens is token_of its normalized
// value: UNIQUE(token) is then what keeps the values unique as well.
Status check_tokens(const NewCanary& canary);

// Hits as list_hits returns them: kHitSelect + a WHERE clause, read by read_hits.
extern const std::string_view kHitSelect;
Result<std::vector<HitRow>> read_hits(sqlite::Stmt& st);

}  // namespace canarytrap
