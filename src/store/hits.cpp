// Registry: hits, incidents, and the trigger listing the recorder's index is built from.
#include <map>
#include <unordered_map>

#include "registry_impl.h"
#include "sqlite.h"

namespace canarytrap {

Status Registry::for_each_trigger(std::int64_t after_id, const std::function<void(const IndexedTrigger&)>& f) {
  auto st = sqlite::Stmt::prepare(impl_->db,
                                  "SELECT id, canary_id, channel, token FROM trigger_value WHERE id > ?1 ORDER BY id");
  if (!st) return st.status();
  st->bind(1, after_id);
  for (;;) {
    auto row = st->step();
    if (!row) return row.status();
    if (!*row) break;
    IndexedTrigger t;
    t.trigger_id = st->int64(0);
    t.canary_id = st->int64(1);
    auto channel = parse_channel(st->text(2));
    if (!channel) return Status::Corruption("trigger " + std::to_string(t.trigger_id) + ": " + channel.status().message());
    t.channel = *channel;
    t.token = st->text(3);
    f(t);
  }
  return Status::Ok();
}

Status Registry::insert_hits(const std::vector<NewHit>& hits, Micros quiet_window) {
  if (hits.empty()) return Status::Ok();
  Transaction tx(*this);
  CT_RETURN_IF_ERROR(tx.begun());
  auto& st = impl_->insert_hit;
  // Within one batch (one transaction) nobody else changes placements or incidents: look
  // each canary's copies and each copy's open incident up once per batch, not once per hit.
  std::unordered_map<std::int64_t, std::vector<std::int64_t>> copies_of;
  struct Open {
    std::int64_t id;
    std::int64_t last_hit_at;
    bool high;
  };
  std::unordered_map<std::int64_t, Open> open_of;
  // What this batch did to each incident, for the alerts written with it.
  struct Touched {
    std::int64_t copy_id = 0;
    bool opened = false;       // opened by this batch
    bool was_high = false;     // confidence before this batch
    bool high = false;         // confidence after it
    std::int64_t alerted_through = 0;
    std::int64_t last_hit_id = 0;
    std::int64_t last_hit_at = 0;
  };
  std::map<std::int64_t, Touched> touched;  // by incident id: alerts in incident order
  for (const NewHit& h : hits) {
    st.bind(1, h.canary_id).bind(2, h.trigger_id).bind(3, h.channel).bind(4, to_unix_micros(h.at)).bind(5, h.source);
    st.bind(6, h.details_json).bind(7, std::int64_t{h.automated ? 1 : 0});
    if (h.automated_reason.empty()) {
      st.bind_null(8);
    } else {
      st.bind(8, h.automated_reason);
    }
    CT_RETURN_IF_ERROR(st.run());
    const std::int64_t hit_id = sqlite3_last_insert_rowid(impl_->db.get());

    auto found = copies_of.find(h.canary_id);
    if (found == copies_of.end()) {
      std::vector<std::int64_t> copies;
      auto& cc = impl_->canary_copies;
      cc.bind(1, h.canary_id);
      for (;;) {
        auto row = cc.step();
        if (!row) {
          cc.reset();
          return row.status();
        }
        if (!*row) break;
        copies.push_back(cc.int64(0));
      }
      cc.reset();
      found = copies_of.emplace(h.canary_id, std::move(copies)).first;
    }
    const std::int64_t at = to_unix_micros(h.at);
    for (std::int64_t copy : found->second) {
      auto cached = open_of.find(copy);
      if (cached == open_of.end() || cached->second.last_hit_at < at - quiet_window.count()) {
        auto& open = impl_->open_incident;
        open.bind(1, copy).bind(2, at - quiet_window.count());
        auto row = open.step();
        std::optional<std::int64_t> id;
        bool high = false;
        std::int64_t alerted_through = 0, last_hit_at = at;
        if (row && *row) {
          id = open.int64(0);
          high = open.int64(1) != 0;
          alerted_through = open.int64(2);
          last_hit_at = open.int64(3);
        }
        open.reset();
        if (!row) return row.status();
        const bool opened = !id;
        if (opened) {
          CT_RETURN_IF_ERROR(impl_->new_incident.bind(1, copy).bind(2, at).bind(3, std::int64_t{h.automated}).run());
          id = sqlite3_last_insert_rowid(impl_->db.get());
          high = !h.automated;
        }
        cached = open_of.insert_or_assign(copy, Open{*id, last_hit_at, high}).first;
        if (!touched.count(*id)) touched[*id] = Touched{copy, opened, opened ? false : high, high, alerted_through, 0};
      }
      Open& inc = cached->second;
      // last_hit_at and the confidence are written once per incident per batch, below.
      inc.last_hit_at = std::max(inc.last_hit_at, at);
      inc.high = inc.high || !h.automated;
      CT_RETURN_IF_ERROR(impl_->link_hit.bind(1, inc.id).bind(2, hit_id).run());
      Touched& t = touched[inc.id];
      t.high = inc.high;
      t.last_hit_id = hit_id;
      t.last_hit_at = inc.last_hit_at;
    }
  }
  for (const auto& [incident, t] : touched) {
    CT_RETURN_IF_ERROR(
        impl_->join_incident.bind(1, incident).bind(2, t.last_hit_at).bind(3, std::int64_t{t.high ? 0 : 1}).run());
  }
  if (!impl_->alert_routes.empty()) {
    const TimePoint now = SystemClock().now();
    std::unordered_map<std::int64_t, std::string> copy_names;
    for (const auto& [incident, t] : touched) {
      std::string event;
      if (t.opened) {
        event = "incident.opened";
      } else if (!t.was_high && t.high) {
        event = "incident.updated";  // a person, not only machines, has now touched the canaries
      } else {
        continue;  // later hits: the next digest
      }
      auto name = copy_names.find(t.copy_id);
      if (name == copy_names.end()) {
        auto st2 = sqlite::Stmt::prepare(impl_->db, "SELECT name FROM copy WHERE id = ?1");
        if (!st2) return st2.status();
        st2->bind(1, t.copy_id);
        auto row = st2->step();
        if (!row) return row.status();
        name = copy_names.emplace(t.copy_id, *row ? st2->text(0) : "").first;
      }
      CT_RETURN_IF_ERROR(impl_->enqueue_alerts(incident, name->second, t.high, event, t.opened ? 0 : t.alerted_through,
                                               t.last_hit_id, now));
    }
  }
  return tx.commit();
}

namespace {

constexpr std::string_view kIncidentSelect =
    "SELECT i.id, c.name, i.opened_at, i.last_hit_at, i.state, i.confidence, count(h.id), count(DISTINCT h.canary_id), "
    "(SELECT group_concat(ch) FROM (SELECT DISTINCT h2.channel AS ch FROM incident_hit x2 JOIN hit h2 ON h2.id = "
    "x2.hit_id WHERE x2.incident_id = i.id ORDER BY 1)), "
    "(SELECT group_concat(src, char(10)) FROM (SELECT DISTINCT h3.source AS src FROM incident_hit x3 JOIN hit h3 ON "
    "h3.id = x3.hit_id WHERE x3.incident_id = i.id LIMIT 20)) "
    "FROM incident i JOIN copy c ON c.id = i.copy_id LEFT JOIN incident_hit x ON x.incident_id = i.id "
    "LEFT JOIN hit h ON h.id = x.hit_id ";

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> v;
  std::size_t start = 0;
  while (start < s.size()) {
    auto end = s.find(sep, start);
    if (end == std::string::npos) end = s.size();
    v.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return v;
}

Result<std::vector<IncidentRow>> read_incidents(sqlite::Stmt& st) {
  std::vector<IncidentRow> out;
  for (;;) {
    auto row = st.step();
    if (!row) return row.status();
    if (!*row) break;
    IncidentRow r;
    r.id = st.int64(0);
    r.copy = st.text(1);
    r.opened_at = from_unix_micros(st.int64(2));
    r.last_hit_at = from_unix_micros(st.int64(3));
    r.state = st.text(4);
    r.confidence = st.text(5);
    r.hits = st.int64(6);
    r.canaries = st.int64(7);
    r.channels = split(st.text(8), ',');
    r.sources = split(st.text(9), '\n');
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

const std::string_view kHitSelect =
    "SELECT h.id, h.canary_id, c.kind, coalesce(cp.name, (SELECT p2.name FROM placement pl JOIN copy p2 ON p2.id = "
    "pl.copy_id WHERE pl.canary_id = c.id ORDER BY pl.id LIMIT 1), ''), coalesce(t.value, ''), h.channel, h.at, "
    "h.source, h.details, h.automated, coalesce(h.automated_reason, '') "
    "FROM hit h JOIN canary c ON c.id = h.canary_id LEFT JOIN copy cp ON cp.id = c.copy_id "
    "LEFT JOIN trigger_value t ON t.id = h.trigger_id ";

Result<std::vector<HitRow>> read_hits(sqlite::Stmt& st) {
  std::vector<HitRow> out;
  for (;;) {
    auto row = st.step();
    if (!row) return row.status();
    if (!*row) break;
    HitRow h;
    h.id = st.int64(0);
    h.canary_id = st.int64(1);
    h.canary_kind = st.text(2);
    h.copy = st.text(3);
    h.trigger_value = st.text(4);
    h.channel = st.text(5);
    h.at = from_unix_micros(st.int64(6));
    h.source = st.text(7);
    h.details_json = st.text(8);
    h.automated = st.int64(9) != 0;
    h.automated_reason = st.text(10);
    out.push_back(std::move(h));
  }
  return out;
}

Result<std::vector<IncidentRow>> Registry::list_incidents(std::int64_t limit) {
  auto st = sqlite::Stmt::prepare(impl_->db,
                                  std::string(kIncidentSelect) + "GROUP BY i.id ORDER BY i.last_hit_at DESC LIMIT ?1");
  if (!st) return st.status();
  st->bind(1, limit);
  return read_incidents(*st);
}

Result<std::optional<IncidentRow>> Registry::find_incident(std::int64_t id) {
  auto st = sqlite::Stmt::prepare(impl_->db, std::string(kIncidentSelect) + "WHERE i.id = ?1 GROUP BY i.id");
  if (!st) return st.status();
  st->bind(1, id);
  auto rows = read_incidents(*st);
  if (!rows) return rows.status();
  if (rows->empty()) return std::optional<IncidentRow>();
  return std::optional<IncidentRow>(std::move(rows->front()));
}

Result<std::vector<HitRow>> Registry::list_hits(const HitFilter& filter) {
  auto copy = filter_copy_id(filter.copy);
  if (!copy) return copy.status();
  const std::optional<std::int64_t> copy_id = *copy;
  auto st = sqlite::Stmt::prepare(
      impl_->db,
      std::string(kHitSelect) +
          "WHERE (?1 IS NULL OR h.at >= ?1) AND (?2 IS NULL OR h.channel = ?2) AND (?3 IS NULL OR c.copy_id = ?3 OR "
          "c.id IN (SELECT canary_id FROM placement WHERE copy_id = ?3)) AND (?5 IS NULL OR h.at < ?5) AND "
          "(?6 IS NULL OR h.automated = ?6) AND (?7 IS NULL OR h.at < ?7 OR (h.at = ?7 AND h.id < ?8)) "
          "ORDER BY h.at DESC, h.id DESC LIMIT ?4");
  if (!st) return st.status();
  const auto micros = [](const std::optional<TimePoint>& t) -> std::optional<std::int64_t> {
    if (!t) return std::nullopt;
    return to_unix_micros(*t);
  };
  st->bind(1, micros(filter.since));
  if (filter.channel) {
    st->bind(2, *filter.channel);
  } else {
    st->bind_null(2);
  }
  st->bind(3, copy_id).bind(4, filter.limit).bind(5, micros(filter.until));
  st->bind(6, filter.automated ? std::optional<std::int64_t>(*filter.automated ? 1 : 0) : std::nullopt);
  if (filter.before) {
    st->bind(7, to_unix_micros(filter.before->first)).bind(8, filter.before->second);
  } else {
    st->bind_null(7).bind_null(8);
  }
  return read_hits(*st);
}

Result<std::vector<IncidentRow>> Registry::list_incidents(const IncidentFilter& filter) {
  auto st = sqlite::Stmt::prepare(impl_->db, std::string(kIncidentSelect) +
                                                 "WHERE (?2 IS NULL OR i.state = ?2) GROUP BY i.id "
                                                 "ORDER BY i.last_hit_at DESC LIMIT ?1");
  if (!st) return st.status();
  st->bind(1, filter.limit);
  if (filter.state) {
    st->bind(2, *filter.state);
  } else {
    st->bind_null(2);
  }
  return read_incidents(*st);
}

Status Registry::set_incident_state(std::int64_t id, const std::string& state) {
  if (state != "open" && state != "acknowledged" && state != "closed") {
    return Status::InvalidArgument("unknown incident state '" + state + "' (want open, acknowledged or closed)");
  }
  auto current = find_incident(id);
  if (!current) return current.status();
  if (!*current) return Status::NotFound("no incident #" + std::to_string(id));
  if ((*current)->state == "closed" && state != "closed") {
    return Status::InvalidArgument("incident #" + std::to_string(id) +
                                      " is closed; a new hit on its copy opens a new incident");
  }
  auto st = sqlite::Stmt::prepare(impl_->db, "UPDATE incident SET state = ?2 WHERE id = ?1");
  if (!st) return st.status();
  return st->bind(1, id).bind(2, state).run();
}

Result<std::vector<HitRow>> Registry::incident_hits(std::int64_t incident_id, std::int64_t limit) {
  auto st = sqlite::Stmt::prepare(
      impl_->db, std::string(kHitSelect) +
                     "WHERE h.id IN (SELECT hit_id FROM incident_hit WHERE incident_id = ?1) ORDER BY h.at, h.id LIMIT ?2");
  if (!st) return st.status();
  st->bind(1, incident_id).bind(2, limit);
  return read_hits(*st);
}

Result<std::vector<HitBucket>> Registry::hit_histogram(TimePoint since, Micros bucket) {
  if (bucket.count() <= 0) return Status::InvalidArgument("bucket must be positive");
  auto st = sqlite::Stmt::prepare(impl_->db,
                                  "SELECT (at / ?2) * ?2, channel, count(*) FROM hit WHERE at >= ?1 "
                                  "GROUP BY 1, 2 ORDER BY 1, 2");
  if (!st) return st.status();
  st->bind(1, to_unix_micros(since)).bind(2, static_cast<std::int64_t>(bucket.count()));
  std::vector<HitBucket> out;
  for (;;) {
    auto row = st->step();
    if (!row) return row.status();
    if (!*row) break;
    out.push_back({from_unix_micros(st->int64(0)), st->text(1), st->int64(2)});
  }
  return out;
}

Result<RegistrySummary> Registry::summary() {
  auto st = sqlite::Stmt::prepare(
      impl_->db,
      "SELECT (SELECT count(*) FROM copy), (SELECT count(*) FROM canary), (SELECT count(*) FROM hit), "
      "(SELECT coalesce(max(id), 0) FROM hit), (SELECT count(*) FROM incident WHERE state = 'open'), "
      "(SELECT count(*) FROM incident WHERE state = 'acknowledged'), (SELECT count(*) FROM incident WHERE state = "
      "'closed'), (SELECT count(*) FROM alert WHERE delivered_at IS NULL AND failed_at IS NULL), "
      "(SELECT count(*) FROM alert WHERE failed_at IS NOT NULL)");
  if (!st) return st.status();
  auto row = st->step();
  if (!row) return row.status();
  RegistrySummary s;
  s.copies = st->int64(0);
  s.canaries = st->int64(1);
  s.hits = st->int64(2);
  s.last_hit_id = st->int64(3);
  s.open_incidents = st->int64(4);
  s.acknowledged_incidents = st->int64(5);
  s.closed_incidents = st->int64(6);
  s.alerts_pending = st->int64(7);
  s.alerts_failed = st->int64(8);
  return s;
}

}  // namespace canarytrap
