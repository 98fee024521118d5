// Attribution: what a set of canaries found in one file says about which copy leaked, and
// when.
//
// Each copy is expected to hold its own canaries and, when it was derived from another copy
// (`copies derive`), the parent's canaries planted before the derivation (recursively). The
// file is attributed to the copy that explains all the evidence; among several, to the one
// with the most canaries of its own in the file, or else the candidates are listed. The
// theft is dated after the newest planted canary found and before the oldest canary planted
// later that is absent, with the probability that this absence is chance given the sample
// fraction (canaries found / canaries expected by then). With no canary found, it gives for
// each copy the probability of finding none if the file were a sample of that copy, the
// sample fraction estimated from the file's lines against the copy's rows.
//
//   auto facts = AttributionFacts::load(registry);
//   Attribution a = attribute(*facts, found_canary_ids, file_lines);
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "canarytrap/core/clock.h"
#include "canarytrap/core/status.h"
#include "canarytrap/store/registry.h"

namespace canarytrap {

// Copies, lineage and memberships, read once per scan. Compact: a million canaries in one
// copy cost about 40 bytes each.
struct AttributionFacts {
  struct Member {
    std::int64_t planted_micros;
    std::int64_t canary;
  };
  std::map<std::int64_t, CopyRow> copies;                 // by id
  std::map<std::int64_t, std::vector<Member>> by_copy;     // by copy id
  std::map<std::int64_t, std::map<std::int64_t, TimePoint>> retired;  // copy -> canary -> unplanted at
  std::map<std::int64_t, std::int64_t> rows;              // copy -> rows in its target after a plant

  static Result<AttributionFacts> load(Registry& registry);
  void add(const CopyMembership& m);
  // The copies holding a canary directly (planted or minted there); empty if none.
  std::vector<std::int64_t> copies_of(std::int64_t canary) const;

 private:
  static constexpr std::uint32_t kSeveral = UINT32_MAX;
  std::vector<std::uint32_t> single_;  // by canary id: 0 none, a copy id, or kSeveral
  std::map<std::int64_t, std::vector<std::int64_t>> several_;
};

struct CopyEvidence {
  std::string copy;
  std::optional<std::string> parent;  // derived from
  std::int64_t expected = 0;          // canaries it should hold (own + inherited), not retired
  std::int64_t found = 0;             // of those, in the file
  std::int64_t own_found = 0;         // planted in this copy itself
  std::int64_t exclusive_found = 0;   // planted in no other copy
  bool explains_all = false;
  std::vector<std::pair<TimePoint, std::int64_t>> planted;  // expected canaries per planted time
  std::vector<std::pair<TimePoint, std::int64_t>> found_at;  // found canaries per planted time
};

struct Attribution {
  std::int64_t canaries_found = 0;
  std::vector<std::int64_t> unknown;           // found ids no copy holds (minted without a copy)
  std::vector<CopyEvidence> copies;            // copies with evidence, strongest first
  std::optional<std::string> copy;             // the attributed copy, if one
  std::vector<std::string> candidates;         // if ambiguous
  std::string verdict;                         // one sentence
  // Dating (for the attributed copy).
  std::optional<TimePoint> after, before;
  std::int64_t absent_later = 0;               // canaries planted at `before`, none found
  double sample_fraction = 0;
  double absence_by_chance = 0;                // P(all `absent_later` missing by chance)
  // Zero found: per copy, P(no canary | the file is a sample of it).
  struct NoneFound {
    std::string copy;
    std::int64_t canaries = 0;
    std::optional<std::int64_t> rows;
    double fraction = 0;
    double probability = 0;
  };
  std::vector<NoneFound> none_found;
};

Attribution attribute(const AttributionFacts& facts, const std::set<std::int64_t>& found, std::uint64_t file_lines);

}  // namespace canarytrap
