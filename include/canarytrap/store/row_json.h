// Registry rows as JSON: one shape shared by the CLI's --json output and the admin API, so
// that a script written against one works against the other. Times are RFC 3339 UTC;
// absent values are null; attacker-controlled text (hit sources, details) is passed as
// data, never interpreted.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>

#include "canarytrap/store/registry.h"

namespace canarytrap {

nlohmann::json copy_json(const CopyRow& c, const std::map<std::int64_t, std::string>& names_by_id);
nlohmann::json canary_json(const CanaryRow& c);
// Canaries, each with a "placements" array made of those of `placements` that are its own.
nlohmann::json canaries_json(const std::vector<CanaryRow>& canaries, const std::vector<PlacementRow>& placements);
nlohmann::json placement_json(const PlacementRow& p);
nlohmann::json hit_json(const HitRow& h);
nlohmann::json incident_json(const IncidentRow& r);
nlohmann::json alert_json(const AlertRow& a);

}  // namespace canarytrap
