// The GET routes: what the dashboard shows. Called with the registry mutex held.
#include <charconv>
#include <set>

#include "api_handlers.h"
#include "canarytrap/core/clock.h"
#include "canarytrap/store/row_json.h"

namespace canarytrap::admin {
namespace {

std::optional<ApiResponse> parse_time_param(const ApiRequest& req, const std::string& name,
                                            std::optional<TimePoint>& out) {
  auto text = req.param(name);
  if (!text || text->empty()) return std::nullopt;
  auto t = parse_time(*text, SystemClock().now());
  if (!t) {
    return ApiResponse::error(400, "invalid_argument",
                              name + " must be an RFC 3339 time or a duration ago like 24h, not '" + *text + "'");
  }
  out = *t;
  return std::nullopt;
}

nlohmann::json items(nlohmann::json list, nlohmann::json next_cursor = nullptr) {
  return {{"items", std::move(list)}, {"next_cursor", std::move(next_cursor)}};
}

}  // namespace

ApiResponse Api::Handlers::summary() {
  auto s = registry->summary();
  if (!s) return ApiResponse::from(s.status());
  return ApiResponse::json(200, {{"copies", s->copies},
                                 {"canaries", s->canaries},
                                 {"hits", s->hits},
                                 {"last_hit_id", s->last_hit_id},
                                 {"incidents",
                                  {{"open", s->open_incidents},
                                   {"acknowledged", s->acknowledged_incidents},
                                   {"closed", s->closed_incidents}}},
                                 {"alerts", {{"pending", s->alerts_pending}, {"failed", s->alerts_failed}}}});
}

ApiResponse Api::Handlers::copies() {
  auto rows = registry->list_copies();
  if (!rows) return ApiResponse::from(rows.status());
  std::map<std::int64_t, std::string> names;
  for (const auto& c : *rows) names[c.id] = c.name;
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : *rows) out.push_back(copy_json(c, names));
  return ApiResponse::json(200, items(std::move(out)));
}

ApiResponse Api::Handlers::canaries(const ApiRequest& req) {
  CanaryFilter filter;
  if (auto bad = parse_limit(req, 100, 1000, filter.limit)) return *bad;
  if (auto copy = req.param("copy"); copy && !copy->empty()) filter.copy = *copy;
  if (auto kind = req.param("kind"); kind && !kind->empty()) {
    auto k = parse_canary_kind(*kind);
    if (!k) return ApiResponse::from(k.status());
    filter.kind = *k;
  }
  if (auto cursor = req.param("cursor"); cursor && !cursor->empty()) {
    if (auto bad = parse_id(*cursor, "cursor", filter.after_id)) return *bad;
  }
  auto rows = registry->list_canaries(filter);
  if (!rows) return ApiResponse::from(rows.status());
  std::vector<std::int64_t> ids;
  for (const auto& c : *rows) ids.push_back(c.id);
  auto placements = registry->placements_of(ids);
  if (!placements) return ApiResponse::from(placements.status());
  nlohmann::json out = canaries_json(*rows, *placements);
  const bool more = static_cast<std::int64_t>(rows->size()) == filter.limit;
  return ApiResponse::json(200, items(std::move(out), more ? nlohmann::json(std::to_string(rows->back().id)) : nullptr));
}

ApiResponse Api::Handlers::canary(const Params& p) {
  std::int64_t id = 0;
  if (auto bad = parse_id(p.at("id"), "canary id", id)) return *bad;
  auto c = registry->find_canary(id);
  if (!c) return ApiResponse::from(c.status());
  if (!*c) return ApiResponse::error(404, "not_found", "no canary #" + std::to_string(id));
  auto placements = registry->placements_of({id});
  if (!placements) return ApiResponse::from(placements.status());
  return ApiResponse::json(200, canaries_json({**c}, *placements)[0]);
}

ApiResponse Api::Handlers::placements(const ApiRequest& req) {
  PlacementFilter filter;
  if (auto bad = parse_limit(req, 100, 1000, filter.limit)) return *bad;
  if (auto copy = req.param("copy"); copy && !copy->empty()) filter.copy = *copy;
  if (auto canary = req.param("canary"); canary && !canary->empty()) {
    std::int64_t id = 0;
    if (auto bad = parse_id(*canary, "canary", id)) return *bad;
    filter.canary_id = id;
  }
  if (auto cursor = req.param("cursor"); cursor && !cursor->empty()) {
    if (auto bad = parse_id(*cursor, "cursor", filter.after_id)) return *bad;
  }
  auto rows = registry->list_placements(filter);
  if (!rows) return ApiResponse::from(rows.status());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : *rows) out.push_back(placement_json(p));
  const bool more = static_cast<std::int64_t>(rows->size()) == filter.limit;
  return ApiResponse::json(200, items(std::move(out), more ? nlohmann::json(std::to_string(rows->back().id)) : nullptr));
}

ApiResponse Api::Handlers::hits(const ApiRequest& req) {
  HitFilter filter;
  if (auto bad = parse_limit(req, 100, 1000, filter.limit)) return *bad;
  if (auto copy = req.param("copy"); copy && !copy->empty()) filter.copy = *copy;
  if (auto channel = req.param("channel"); channel && !channel->empty()) {
    static const std::set<std::string> kChannels = {"dns", "http", "smtp", "scan"};
    if (!kChannels.count(*channel)) {
      return ApiResponse::error(400, "invalid_argument", "channel must be dns, http, smtp or scan");
    }
    filter.channel = *channel;
  }
  if (auto automated = req.param("automated"); automated && !automated->empty()) {
    if (*automated != "true" && *automated != "false") {
      return ApiResponse::error(400, "invalid_argument", "automated must be true or false");
    }
    filter.automated = *automated == "true";
  }
  if (auto bad = parse_time_param(req, "since", filter.since)) return *bad;
  if (auto bad = parse_time_param(req, "until", filter.until)) return *bad;
  // The cursor is "<at in Unix microseconds>.<hit id>" of the last hit of the previous page.
  if (auto cursor = req.param("cursor"); cursor && !cursor->empty()) {
    const auto dot = cursor->find('.');
    std::int64_t at = 0, id = 0;
    if (dot == std::string::npos || parse_id(cursor->substr(0, dot), "cursor", at) ||
        parse_id(cursor->substr(dot + 1), "cursor", id)) {
      return ApiResponse::error(400, "invalid_argument", "cursor must be a next_cursor this API returned");
    }
    filter.before = std::make_pair(from_unix_micros(at), id);
  }
  auto rows = registry->list_hits(filter);
  if (!rows) return ApiResponse::from(rows.status());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& h : *rows) out.push_back(hit_json(h));
  nlohmann::json next = nullptr;
  if (static_cast<std::int64_t>(rows->size()) == filter.limit) {
    next = std::to_string(to_unix_micros(rows->back().at)) + "." + std::to_string(rows->back().id);
  }
  return ApiResponse::json(200, items(std::move(out), next));
}

ApiResponse Api::Handlers::incidents(const ApiRequest& req) {
  IncidentFilter filter;
  if (auto bad = parse_limit(req, 100, 1000, filter.limit)) return *bad;
  if (auto state = req.param("state"); state && !state->empty()) {
    if (*state != "open" && *state != "acknowledged" && *state != "closed") {
      return ApiResponse::error(400, "invalid_argument", "state must be open, acknowledged or closed");
    }
    filter.state = *state;
  }
  auto rows = registry->list_incidents(filter);
  if (!rows) return ApiResponse::from(rows.status());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : *rows) out.push_back(incident_json(r));
  return ApiResponse::json(200, items(std::move(out)));
}

ApiResponse Api::Handlers::incident(const Params& p) {
  std::int64_t id = 0;
  if (auto bad = parse_id(p.at("id"), "incident id", id)) return *bad;
  auto row = registry->find_incident(id);
  if (!row) return ApiResponse::from(row.status());
  if (!*row) return ApiResponse::error(404, "not_found", "no incident #" + std::to_string(id));
  constexpr std::int64_t kEvidence = 500;
  auto hit_rows = registry->incident_hits(id, kEvidence);
  if (!hit_rows) return ApiResponse::from(hit_rows.status());
  nlohmann::json j = incident_json(**row);
  j["hits_shown"] = hit_rows->size();
  nlohmann::json evidence = nlohmann::json::array();
  std::set<std::int64_t> canary_ids;
  // The theft window: every scan of a file attributed to this copy narrows it.
  std::optional<std::string> after, before;
  nlohmann::json scans = nlohmann::json::array();
  for (const auto& h : *hit_rows) {
    evidence.push_back(hit_json(h));
    canary_ids.insert(h.canary_id);
    if (h.channel != "scan") continue;
    const auto d = nlohmann::json::parse(h.details_json, nullptr, false);
    if (!d.is_object()) continue;
    const auto text = [&](const char* k) -> std::optional<std::string> {
      if (d.contains(k) && d[k].is_string()) return d[k].get<std::string>();
      return std::nullopt;
    };
    if (text("attributed_copy") != std::optional<std::string>((*row)->copy)) continue;
    // RFC 3339 UTC strings of one format order like the times they name.
    if (auto a = text("taken_after"); a && (!after || *a > *after)) after = a;
    if (auto b = text("taken_before"); b && (!before || *b < *before)) before = b;
    scans.push_back({{"file", text("file").value_or("")}, {"at", format_time(h.at)}});
  }
  j["evidence"] = std::move(evidence);
  j["theft_window"] = {{"after", after ? nlohmann::json(*after) : nlohmann::json(nullptr)},
                       {"before", before ? nlohmann::json(*before) : nlohmann::json(nullptr)},
                       {"from_scans", std::move(scans)}};
  std::vector<CanaryRow> involved;
  for (auto cid : canary_ids) {
    auto c = registry->find_canary(cid);
    if (!c) return ApiResponse::from(c.status());
    if (*c) involved.push_back(std::move(**c));
  }
  auto placements = registry->placements_of({canary_ids.begin(), canary_ids.end()});
  if (!placements) return ApiResponse::from(placements.status());
  j["canaries_detail"] = canaries_json(involved, *placements);
  return ApiResponse::json(200, j);
}

ApiResponse Api::Handlers::alerts(const ApiRequest& req) {
  AlertFilter filter;
  if (auto bad = parse_limit(req, 100, 1000, filter.limit)) return *bad;
  if (auto state = req.param("state"); state && !state->empty()) {
    if (*state != "pending" && *state != "delivered" && *state != "failed") {
      return ApiResponse::error(400, "invalid_argument", "state must be pending, delivered or failed");
    }
    filter.state = *state;
  }
  if (auto d = req.param("destination"); d && !d->empty()) filter.destination = *d;
  auto rows = registry->list_alerts(filter);
  if (!rows) return ApiResponse::from(rows.status());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& a : *rows) out.push_back(alert_json(a));
  return ApiResponse::json(200, items(std::move(out)));
}

ApiResponse Api::Handlers::destinations() {
  nlohmann::json configured = services.destinations ? services.destinations() : nlohmann::json::array();
  auto counts = registry->alert_counts();
  if (!counts) return ApiResponse::from(counts.status());
  nlohmann::json out = nlohmann::json::array();
  std::set<std::string> seen;
  const auto add = [&](nlohmann::json d) {
    const std::string name = d["name"].get<std::string>();
    seen.insert(name);
    std::int64_t pending = 0, delivered = 0, failed = 0;
    for (const auto& c : *counts) {
      if (c.destination == name) pending = c.pending, delivered = c.delivered, failed = c.failed;
    }
    d["pending"] = pending;
    d["delivered"] = delivered;
    d["failed"] = failed;
    auto last = registry->list_alerts(AlertFilter{.destination = name, .limit = 1});
    nlohmann::json last_j = nullptr;
    bool last_failing = false;
    if (last && !last->empty()) {
      last_j = alert_json(last->front());
      last_failing = last->front().state() == "failed" ||
                     (last->front().state() == "pending" && last->front().attempts > 0);
    }
    d["last_alert"] = last_j;
    // Health as an operator reads it: is the latest alert getting through?
    d["health"] = last_j.is_null() ? "idle" : last_failing ? "failing" : failed > 0 ? "degraded" : "ok";
    out.push_back(std::move(d));
  };
  for (auto& d : configured) add(d);
  for (const auto& c : *counts) {
    if (!seen.count(c.destination)) add({{"name", c.destination}, {"kind", nullptr}, {"address", nullptr},
                                         {"configured", false}});
  }
  return ApiResponse::json(200, items(std::move(out)));
}

ApiResponse Api::Handlers::hit_stats(const ApiRequest& req) {
  std::optional<TimePoint> since;
  if (!req.param("since")) since = SystemClock().now() - std::chrono::days(7);
  if (auto bad = parse_time_param(req, "since", since)) return *bad;
  if (!since) since = SystemClock().now() - std::chrono::days(7);
  const std::string bucket = req.param("bucket").value_or("hour");
  Micros size;
  if (bucket == "minute") {
    size = std::chrono::minutes(1);
  } else if (bucket == "hour") {
    size = std::chrono::hours(1);
  } else if (bucket == "day") {
    size = std::chrono::days(1);
  } else {
    return ApiResponse::error(400, "invalid_argument", "bucket must be minute, hour or day");
  }
  auto rows = registry->hit_histogram(*since, size);
  if (!rows) return ApiResponse::from(rows.status());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& b : *rows) out.push_back({{"start", format_time(b.start)}, {"channel", b.channel}, {"hits", b.hits}});
  return ApiResponse::json(200, {{"since", format_time(*since)},
                                 {"bucket", bucket},
                                 {"bucket_seconds", std::chrono::duration_cast<std::chrono::seconds>(size).count()},
                                 {"buckets", std::move(out)}});
}

}  // namespace canarytrap::admin
