#include "canarytrap/scan/evidence.h"

#include <algorithm>
#include <map>
#include <set>

namespace canarytrap {

ScannedFile judge(FileScan scan, const AttributionFacts& facts, bool every_match) {
  ScannedFile f;
  std::map<std::int64_t, std::set<NeedleKind>> kinds;
  for (const auto& m : scan.matches) kinds[m.canary_id].insert(m.kind);
  std::set<std::int64_t> found, weak;
  for (const auto& [canary, k] : kinds) {
    const bool trigger = k.count(NeedleKind::kToken) || k.count(NeedleKind::kEmail);
    const bool paired = std::binary_search(scan.paired.begin(), scan.paired.end(), canary);
    (trigger || paired ? found : weak).insert(canary);
  }
  if (!every_match) {
    std::set<std::int64_t> shown;
    std::erase_if(scan.matches, [&](const FileMatch& m) { return !shown.insert(m.canary_id).second; });
  }
  f.attribution = attribute(facts, found, scan.lines);
  f.weak.assign(weak.begin(), weak.end());
  f.scan = std::move(scan);
  return f;
}

std::vector<NewHit> scan_hits(const std::vector<ScannedFile>& files, TimePoint now) {
  std::vector<NewHit> hits;
  for (const auto& f : files) {
    std::set<std::int64_t> strong;
    for (const auto& m : f.scan.matches) {
      if (std::find(f.weak.begin(), f.weak.end(), m.canary_id) != f.weak.end()) continue;  // not evidence
      if (!strong.insert(m.canary_id).second) continue;
      NewHit h;
      h.canary_id = m.canary_id;
      h.channel = "scan";
      h.at = now;
      h.source = f.scan.path;
      h.details_json = nlohmann::json({{"file", f.scan.path},
                                       {"sha256", f.scan.sha256},
                                       {"offset", m.offset},
                                       {"line", m.line},
                                       {"matched_as", std::string(needle_kind_name(m.kind))},
                                       {"attributed_copy", f.attribution.copy ? nlohmann::json(*f.attribution.copy)
                                                                              : nlohmann::json(nullptr)},
                                       {"taken_after", f.attribution.after ? nlohmann::json(format_time(*f.attribution.after))
                                                                           : nlohmann::json(nullptr)},
                                       {"taken_before", f.attribution.before
                                                            ? nlohmann::json(format_time(*f.attribution.before))
                                                            : nlohmann::json(nullptr)}})
                           .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      hits.push_back(std::move(h));
    }
  }
  return hits;
}

}  // namespace canarytrap
