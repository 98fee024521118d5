// ScanSetup: what a scan needs from the registry, loaded side by side.
//
// The needle index (read back from its cache file, or rebuilt) and the attribution facts
// (copies, lineage, memberships) are independent reads of the registry; each gets its own
// connection and thread, so the setup costs the longer of the two, not their sum. Used by
// `canarytrap scan` and the dashboard's scan upload.
//
//   auto setup = ScanSetup::load(registry_path);
//   Scanner scanner(setup->index, options);
//   ... judge(scanned, setup->facts, ...)
#pragma once

#include <filesystem>

#include "canarytrap/core/status.h"
#include "canarytrap/scan/attribution.h"
#include "canarytrap/scan/needle_index.h"

namespace canarytrap {

struct ScanSetup {
  NeedleIndex index;
  AttributionFacts facts;
  double load_seconds = 0;

  static Result<ScanSetup> load(const std::filesystem::path& registry_path);
};

}  // namespace canarytrap
