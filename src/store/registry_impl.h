// The registry's private state, shared by its source files (registry.cpp: copies, canaries,
// placements; hits.cpp: hits, incidents and the recorder's trigger index).
#pragma once

#include <filesystem>

#include "canarytrap/store/registry.h"
#include "sqlite.h"

namespace canarytrap {

struct Registry::Impl {
  std::filesystem::path path;
  sqlite::Db db;
  int schema_version = 0;
  sqlite::Stmt insert_copy, find_copy, insert_canary, insert_trigger, insert_fingerprint, insert_placement,
      find_fingerprint, trigger_taken, insert_hit, canary_copies, open_incident, join_incident, new_incident,
      link_hit;
};

}  // namespace canarytrap
