#include "canarytrap/store/row_json.h"

namespace canarytrap {
namespace {

nlohmann::json time_or_null(const std::optional<TimePoint>& t) {
  return t ? nlohmann::json(format_time(*t)) : nlohmann::json(nullptr);
}

nlohmann::json text_or_null(const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); }

}  // namespace

nlohmann::json copy_json(const CopyRow& c, const std::map<std::int64_t, std::string>& names_by_id) {
  nlohmann::json parent = nullptr;
  if (c.parent_copy_id) {
    auto it = names_by_id.find(*c.parent_copy_id);
    if (it != names_by_id.end()) parent = it->second;
  }
  return {{"id", c.id},
          {"name", c.name},
          {"created_at", format_time(c.created_at)},
          {"derived_from", parent},
          {"derived_at", time_or_null(c.derived_at)}};
}

nlohmann::json canary_json(const CanaryRow& c) {
  nlohmann::json triggers = nlohmann::json::array();
  for (const auto& t : c.triggers) {
    triggers.push_back({{"channel", channel_name(t.channel)}, {"value", t.value}});
  }
  const TriggerRow* primary = c.primary();
  return {
      {"id", c.id},
      {"kind", canary_kind_name(c.kind)},
      {"value", primary ? primary->value : ""},
      {"copy", text_or_null(c.copy)},
      {"memo", c.memo},
      {"created_at", format_time(c.created_at)},
      {"triggers", triggers},
  };
}

nlohmann::json canaries_json(const std::vector<CanaryRow>& canaries, const std::vector<PlacementRow>& placements) {
  std::map<std::int64_t, nlohmann::json> by_canary;
  for (const auto& p : placements) by_canary[p.canary_id].push_back(placement_json(p));
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : canaries) {
    nlohmann::json j = canary_json(c);
    auto it = by_canary.find(c.id);
    j["placements"] = it == by_canary.end() ? nlohmann::json::array() : std::move(it->second);
    out.push_back(std::move(j));
  }
  return out;
}

nlohmann::json placement_json(const PlacementRow& p) {
  return {{"id", p.id},
          {"canary_id", p.canary_id},
          {"copy", p.copy},
          {"target", p.target},
          {"table", p.table_name},
          {"row_key", p.row_key},
          {"planted_at", format_time(p.planted_at)},
          {"retired_at", time_or_null(p.retired_at)}};
}

nlohmann::json hit_json(const HitRow& h) {
  return {{"id", h.id},
          {"at", format_time(h.at)},
          {"channel", h.channel},
          {"canary_id", h.canary_id},
          {"canary_kind", h.canary_kind},
          {"copy", text_or_null(h.copy)},
          {"value", h.trigger_value},
          {"source", h.source},
          {"automated", h.automated},
          {"automated_reason", text_or_null(h.automated_reason)},
          {"details", nlohmann::json::parse(h.details_json, nullptr, false)}};
}

nlohmann::json incident_json(const IncidentRow& r) {
  return {{"id", r.id},
          {"copy", r.copy},
          {"opened_at", format_time(r.opened_at)},
          {"last_hit_at", format_time(r.last_hit_at)},
          {"state", r.state},
          {"confidence", r.confidence},
          {"hits", r.hits},
          {"canaries", r.canaries},
          {"channels", r.channels},
          {"sources", r.sources}};
}

nlohmann::json alert_json(const AlertRow& a) {
  return {{"id", a.uid},
          {"incident", a.incident_id ? nlohmann::json(*a.incident_id) : nlohmann::json(nullptr)},
          {"destination", a.destination},
          {"event", a.event},
          {"state", a.state()},
          {"attempts", a.attempts},
          {"created_at", format_time(a.created_at)},
          {"next_attempt_at", a.state() == "pending" ? nlohmann::json(format_time(a.next_attempt_at)) : nullptr},
          {"delivered_at", time_or_null(a.delivered_at)},
          {"failed_at", time_or_null(a.failed_at)},
          {"last_status", a.last_status ? nlohmann::json(*a.last_status) : nlohmann::json(nullptr)},
          {"last_error", a.last_error}};
}

}  // namespace canarytrap
