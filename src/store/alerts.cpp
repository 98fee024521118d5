// Registry: the alert outbox. Alerts are rows written in the transaction of the hits (or
// digest) that caused them; the dispatcher reads what is due, renders each alert's body
// once, and records every attempt's outcome here. Nothing is ever deleted: a failed alert
// stays visible (and retryable) in `canarytrap alerts list`.
#include <algorithm>

#include "canarytrap/core/secure_random.h"
#include "registry_impl.h"
#include "sqlite.h"

namespace canarytrap {

std::string AlertRow::state() const {
  if (delivered_at) return "delivered";
  if (failed_at) return "failed";
  return "pending";
}

void Registry::set_alert_routes(std::vector<AlertRoute> routes) { impl_->alert_routes = std::move(routes); }

Status Registry::Impl::enqueue_alerts(std::int64_t incident, const std::string& copy_name, bool high,
                                      const std::string& event, std::int64_t hit_from, std::int64_t hit_to,
                                      TimePoint now) {
  auto st = sqlite::Stmt::prepare(db,
                                  "INSERT INTO alert (uid, incident_id, destination, event, payload, created_at, "
                                  "next_attempt_at, hit_from, hit_to) VALUES (?1, ?2, ?3, ?4, '', ?5, ?5, ?6, ?7)");
  if (!st) return st.status();
  for (const AlertRoute& r : alert_routes) {
    if (r.high_confidence_only && !high) continue;
    if (!r.copies.empty() && std::find(r.copies.begin(), r.copies.end(), copy_name) == r.copies.end()) continue;
    st->bind(1, "alrt_" + secure_random_hex(16)).bind(2, incident).bind(3, r.destination).bind(4, event);
    st->bind(5, to_unix_micros(now)).bind(6, hit_from).bind(7, hit_to);
    CT_RETURN_IF_ERROR(st->run());
  }
  auto mark = sqlite::Stmt::prepare(db, "UPDATE incident SET alerted_through = max(alerted_through, ?2), "
                                        "last_alert_at = ?3 WHERE id = ?1");
  if (!mark) return mark.status();
  return mark->bind(1, incident).bind(2, hit_to).bind(3, to_unix_micros(now)).run();
}

Result<std::int64_t> Registry::create_digests(TimePoint now, Micros interval) {
  if (impl_->alert_routes.empty()) return std::int64_t{0};
  Transaction tx(*this);
  CT_RETURN_IF_ERROR(tx.begun());
  // Incidents with hits newer than their last alert, whose last alert is old enough.
  auto st = sqlite::Stmt::prepare(
      impl_->db,
      "SELECT i.id, c.name, i.confidence = 'high', i.alerted_through, max(x.hit_id) FROM incident i "
      "JOIN copy c ON c.id = i.copy_id JOIN incident_hit x ON x.incident_id = i.id AND x.hit_id > i.alerted_through "
      "WHERE i.last_alert_at IS NULL OR i.last_alert_at <= ?1 GROUP BY i.id ORDER BY i.id");
  if (!st) return st.status();
  st->bind(1, to_unix_micros(now - interval));
  struct Due {
    std::int64_t incident;
    std::string copy;
    bool high;
    std::int64_t from, to;
  };
  std::vector<Due> due;
  for (;;) {
    auto row = st->step();
    if (!row) return row.status();
    if (!*row) break;
    due.push_back({st->int64(0), st->text(1), st->int64(2) != 0, st->int64(3), st->int64(4)});
  }
  for (const Due& d : due) {
    CT_RETURN_IF_ERROR(impl_->enqueue_alerts(d.incident, d.copy, d.high, "incident.digest", d.from, d.to, now));
  }
  CT_RETURN_IF_ERROR(tx.commit());
  return static_cast<std::int64_t>(due.size());
}

namespace {

constexpr std::string_view kAlertSelect =
    "SELECT id, uid, incident_id, destination, event, payload, attempts, created_at, next_attempt_at, delivered_at, "
    "failed_at, retried_at, coalesce(last_error, ''), last_status, hit_from, hit_to FROM alert a ";

Result<std::vector<AlertRow>> read_alerts(sqlite::Stmt& st) {
  std::vector<AlertRow> out;
  const auto time = [&](int col) -> std::optional<TimePoint> {
    if (st.is_null(col)) return std::nullopt;
    return from_unix_micros(st.int64(col));
  };
  for (;;) {
    auto row = st.step();
    if (!row) return row.status();
    if (!*row) break;
    AlertRow a;
    a.id = st.int64(0);
    a.uid = st.text(1);
    a.incident_id = st.optional_int64(2);
    a.destination = st.text(3);
    a.event = st.text(4);
    a.payload = st.text(5);
    a.attempts = st.int64(6);
    a.created_at = from_unix_micros(st.int64(7));
    a.next_attempt_at = from_unix_micros(st.int64(8));
    a.delivered_at = time(9);
    a.failed_at = time(10);
    a.retried_at = time(11);
    a.last_error = st.text(12);
    a.last_status = st.optional_int64(13);
    a.hit_from = st.int64(14);
    a.hit_to = st.int64(15);
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace

Result<std::vector<AlertRow>> Registry::due_alerts(TimePoint now, std::int64_t limit) {
  auto st = sqlite::Stmt::prepare(
      impl_->db, std::string(kAlertSelect) +
                     "WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?1 AND NOT EXISTS "
                     "(SELECT 1 FROM alert b WHERE b.destination = a.destination AND b.incident_id = a.incident_id "
                     "AND b.id < a.id AND b.delivered_at IS NULL AND b.failed_at IS NULL) ORDER BY id LIMIT ?2");
  if (!st) return st.status();
  st->bind(1, to_unix_micros(now)).bind(2, limit);
  return read_alerts(*st);
}

Result<std::vector<AlertRow>> Registry::list_alerts(std::int64_t limit) {
  auto st = sqlite::Stmt::prepare(impl_->db, std::string(kAlertSelect) + "ORDER BY id DESC LIMIT ?1");
  if (!st) return st.status();
  st->bind(1, limit);
  return read_alerts(*st);
}

Result<std::vector<AlertRow>> Registry::list_alerts(const AlertFilter& filter) {
  auto st = sqlite::Stmt::prepare(
      impl_->db, std::string(kAlertSelect) +
                     "WHERE (?2 IS NULL OR destination = ?2) AND (?3 IS NULL OR (?3 = 'delivered' AND delivered_at IS "
                     "NOT NULL) OR (?3 = 'failed' AND failed_at IS NOT NULL) OR (?3 = 'pending' AND delivered_at IS "
                     "NULL AND failed_at IS NULL)) ORDER BY id DESC LIMIT ?1");
  if (!st) return st.status();
  st->bind(1, filter.limit);
  if (filter.destination) {
    st->bind(2, *filter.destination);
  } else {
    st->bind_null(2);
  }
  if (filter.state) {
    st->bind(3, *filter.state);
  } else {
    st->bind_null(3);
  }
  return read_alerts(*st);
}

Result<AlertContext> Registry::alert_context(const AlertRow& alert) {
  AlertContext ctx;
  if (!alert.incident_id) return ctx;
  auto incident = find_incident(*alert.incident_id);
  if (!incident) return incident.status();
  if (!*incident) return Status::NotFound("alert " + alert.uid + ": incident " + std::to_string(*alert.incident_id) + " is gone");
  ctx.incident = **incident;
  ctx.incident_hits = ctx.incident.hits;

  auto hits = sqlite::Stmt::prepare(impl_->db, std::string(kHitSelect) +
                                                   "WHERE h.id IN (SELECT hit_id FROM incident_hit WHERE incident_id = ?1 "
                                                   "AND hit_id > ?2 AND hit_id <= ?3) ORDER BY h.at, h.id");
  if (!hits) return hits.status();
  hits->bind(1, *alert.incident_id).bind(2, alert.hit_from).bind(3, alert.hit_to);
  auto rows = read_hits(*hits);
  if (!rows) return rows.status();
  ctx.hits = std::move(*rows);

  std::vector<std::int64_t> ids;
  for (const HitRow& h : ctx.hits) ids.push_back(h.canary_id);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  auto placements = placements_of(ids);
  if (!placements) return placements.status();
  auto triggers = sqlite::Stmt::prepare(impl_->db,
                                        "SELECT id, channel, value, token FROM trigger_value WHERE canary_id = ?1 ORDER BY id");
  if (!triggers) return triggers.status();
  auto copies = sqlite::Stmt::prepare(
      impl_->db,
      "SELECT name FROM copy WHERE id IN (SELECT copy_id FROM canary WHERE id = ?1 UNION SELECT copy_id FROM "
      "placement WHERE canary_id = ?1 AND retired_at IS NULL) ORDER BY name");
  if (!copies) return copies.status();
  auto kind = sqlite::Stmt::prepare(impl_->db, "SELECT kind FROM canary WHERE id = ?1");
  if (!kind) return kind.status();
  for (std::int64_t id : ids) {
    AlertContext::Canary c;
    c.id = id;
    kind->bind(1, id);
    auto k = kind->step();
    if (!k) return k.status();
    if (*k) c.kind = kind->text(0);
    kind->reset();
    triggers->bind(1, id);
    for (;;) {
      auto row = triggers->step();
      if (!row) return row.status();
      if (!*row) break;
      auto channel = parse_channel(triggers->text(1));
      c.triggers.push_back({triggers->int64(0), channel ? *channel : Channel::kDns, triggers->text(2), triggers->text(3)});
    }
    triggers->reset();
    copies->bind(1, id);
    for (;;) {
      auto row = copies->step();
      if (!row) return row.status();
      if (!*row) break;
      c.copies.push_back(copies->text(0));
    }
    copies->reset();
    for (const PlacementRow& p : *placements) {
      if (p.canary_id == id) c.placements.push_back(p);
    }
    ctx.canaries.push_back(std::move(c));
  }
  return ctx;
}

Status Registry::set_alert_payload(std::int64_t alert_id, const std::string& payload) {
  auto st = sqlite::Stmt::prepare(impl_->db, "UPDATE alert SET payload = ?2 WHERE id = ?1 AND payload = ''");
  if (!st) return st.status();
  return st->bind(1, alert_id).bind(2, payload).run();
}

Status Registry::record_attempt(std::int64_t alert_id, AttemptOutcome outcome, TimePoint at, TimePoint next_attempt,
                                std::optional<std::int64_t> http_status, const std::string& error) {
  auto st = sqlite::Stmt::prepare(
      impl_->db,
      "UPDATE alert SET attempts = attempts + 1, last_status = ?2, last_error = ?3, next_attempt_at = ?4, "
      "delivered_at = CASE WHEN ?5 = 0 THEN ?6 END, failed_at = CASE WHEN ?5 = 2 THEN ?6 END WHERE id = ?1");
  if (!st) return st.status();
  st->bind(1, alert_id).bind(2, http_status);
  if (error.empty()) {
    st->bind_null(3);
  } else {
    st->bind(3, error);
  }
  st->bind(4, to_unix_micros(next_attempt)).bind(5, static_cast<std::int64_t>(outcome)).bind(6, to_unix_micros(at));
  return st->run();
}

Result<std::int64_t> Registry::retry_alerts(const std::optional<std::string>& uid, TimePoint now) {
  if (uid) {
    auto exists = sqlite::Stmt::prepare(impl_->db, "SELECT delivered_at IS NOT NULL FROM alert WHERE uid = ?1");
    if (!exists) return exists.status();
    exists->bind(1, *uid);
    auto row = exists->step();
    if (!row) return row.status();
    if (!*row) return Status::NotFound("no alert " + *uid);
    if (exists->int64(0)) return Status::InvalidArgument("alert " + *uid + " was delivered already");
  }
  auto st = sqlite::Stmt::prepare(impl_->db,
                                  "UPDATE alert SET failed_at = NULL, retried_at = ?1, next_attempt_at = ?1 WHERE "
                                  "delivered_at IS NULL AND (?2 IS NULL AND failed_at IS NOT NULL OR uid = ?2)");
  if (!st) return st.status();
  st->bind(1, to_unix_micros(now));
  if (uid) {
    st->bind(2, *uid);
  } else {
    st->bind_null(2);
  }
  CT_RETURN_IF_ERROR(st->run());
  return static_cast<std::int64_t>(sqlite3_changes(impl_->db.get()));
}

Result<std::vector<Registry::AlertCounts>> Registry::alert_counts() {
  auto st = sqlite::Stmt::prepare(
      impl_->db,
      "SELECT destination, sum(delivered_at IS NULL AND failed_at IS NULL), sum(delivered_at IS NOT NULL), "
      "sum(failed_at IS NOT NULL) FROM alert GROUP BY destination ORDER BY destination");
  if (!st) return st.status();
  std::vector<AlertCounts> out;
  for (;;) {
    auto row = st->step();
    if (!row) return row.status();
    if (!*row) break;
    out.push_back({st->text(0), st->int64(1), st->int64(2), st->int64(3)});
  }
  return out;
}

}  // namespace canarytrap
