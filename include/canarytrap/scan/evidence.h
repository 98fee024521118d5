// What a file's matches prove: the evidence rule and the hits a scan records.
//
// A canary matched by one of its trigger values (a token, an e-mail address) is proven
// present: nobody else has that value. A canary matched only by passive values (an ID, a
// phone, a name with a birth date) is proven only when two different kinds match in one
// record (FileScan::paired); otherwise real people may share the values, one each, so it is
// listed as weak and not attributed. (A dump of 1,200,000 people held, against 1,000,000
// canaries, two canaries' phone and name with birth date on rows far apart.)
//
//   ScannedFile f = judge(std::move(file_scan), facts, /*every_match=*/false);
//   std::vector<NewHit> hits = scan_hits({f}, now);   // for insert_hits: incidents, alerts
#pragma once

#include <vector>

#include "canarytrap/scan/report.h"
#include "canarytrap/store/registry.h"

namespace canarytrap {

// Applies the evidence rule, attributes the proven canaries, and (unless every_match) keeps
// only the first match per canary.
ScannedFile judge(FileScan scan, const AttributionFacts& facts, bool every_match);

// One "scan" hit per proven canary per file, with the file, its SHA-256 and where it matched.
std::vector<NewHit> scan_hits(const std::vector<ScannedFile>& files, TimePoint now);

}  // namespace canarytrap
