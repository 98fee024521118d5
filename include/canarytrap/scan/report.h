// Printing a scan: the --json document (schema "canarytrap.scan.v1", docs/scan.md) and the
// self-contained --report HTML page (evidence table, timeline of planted vs found canaries
// per copy; no external resources, every registry or file text escaped).
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "canarytrap/scan/attribution.h"
#include "canarytrap/scan/scanner.h"

namespace canarytrap {

struct ScannedFile {
  FileScan scan;
  Attribution attribution;  // from canaries matched by a value of their own
  // Matched by one passive value only (an ID, a phone, a name with a birth date): a real
  // person may share it. Listed, not attributed.
  std::vector<std::int64_t> weak;
  double seconds = 0;
};

struct ScanMeta {
  std::size_t needles = 0;
  double load_seconds = 0;
  int threads = 1;
  TimePoint at;
};

nlohmann::json scan_json(const std::vector<ScannedFile>& files, const ScanMeta& meta);
std::string scan_html(const std::vector<ScannedFile>& files, const ScanMeta& meta);
// The human summary of one file, several lines.
std::string scan_text(const ScannedFile& file);

}  // namespace canarytrap
