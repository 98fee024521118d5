#include "canarytrap/store/registry.h"

#include <algorithm>
#include <limits>

#include <sys/stat.h>

#include <unordered_map>

#include "migrations.h"
#include "registry_impl.h"
#include "sqlite.h"

namespace canarytrap {

std::string_view canary_kind_name(CanaryKind k) {
  switch (k) {
    case CanaryKind::kRecord: return "record";
    case CanaryKind::kDns: return "dns";
    case CanaryKind::kHttp: return "http";
    case CanaryKind::kSmtp: return "smtp";
  }
  return "?";
}

Result<CanaryKind> parse_canary_kind(std::string_view name) {
  for (CanaryKind k : {CanaryKind::kRecord, CanaryKind::kDns, CanaryKind::kHttp, CanaryKind::kSmtp}) {
    if (canary_kind_name(k) == name) return k;
  }
  return Status::InvalidArgument("unknown canary kind '" + std::string(name) + "' (want dns, http, smtp or record)");
}

const TriggerRow* CanaryRow::primary() const { return triggers.empty() ? nullptr : &triggers.front(); }



namespace {

CopyRow read_copy(const sqlite::Stmt& st) {
  CopyRow c;
  c.id = st.int64(0);
  c.name = st.text(1);
  c.parent_copy_id = st.optional_int64(2);
  if (auto d = st.optional_int64(3)) c.derived_at = from_unix_micros(*d);
  c.created_at = from_unix_micros(st.int64(4));
  return c;
}

constexpr std::string_view kCopyColumns = "id, name, parent_copy_id, derived_at, created_at";

}  // namespace

Result<std::unique_ptr<Registry>> Registry::open(const std::filesystem::path& path, OpenOptions options) {
  const auto where = [&](const Status& s) { return s.WithContext("registry " + path.string()); };
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    if (!options.create_if_missing) {
      return Status::NotFound("no registry at " + path.string() + "; run `canarytrap init` to create one");
    }
  } else if (!std::filesystem::is_regular_file(path, ec)) {
    return Status::InvalidArgument("registry " + path.string() + " is not a regular file");
  }
  sqlite3* raw = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | (options.create_if_missing ? SQLITE_OPEN_CREATE : 0) |
                    SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite::open(path.c_str(), &raw, flags);
  sqlite::Db db(raw);
  if (rc != SQLITE_OK) return where(db.error("opening"));

  auto impl = std::make_unique<Impl>();
  impl->path = path;
  sqlite3_busy_timeout(db.get(), 5000);
  // Migrations first: they also tell a file that is not a registry from one that is,
  // before any PRAGMA below could write to it.
  CT_RETURN_IF_ERROR(where(store::migrate(db)));
  // WAL: readers (the dashboard, `canarytrap hits`) never block the writer.
  CT_RETURN_IF_ERROR(where(db.exec("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = " +
                                        std::string(options.sync_full ? "FULL" : "NORMAL") + "; "
                                        "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -" +
                                        std::to_string(options.cache_mib * 1024) + ";")));
  auto version = db.query_int("PRAGMA user_version");
  if (!version) return where(version.status());
  impl->schema_version = static_cast<int>(*version);
  // The registry holds who was planted where: keep it private to its owner.
  ::chmod(path.c_str(), 0600);

  // Every statement used more than once, prepared once.
  const std::pair<sqlite::Stmt*, std::string> statements[] = {
      {&impl->insert_copy, "INSERT INTO copy (name, created_at) VALUES (?1, ?2)"},
      {&impl->find_copy, "SELECT " + std::string(kCopyColumns) + " FROM copy WHERE name = ?1"},
      {&impl->insert_canary,
       "INSERT INTO canary (kind, copy_id, locale, memo, created_at) VALUES (?1, ?2, ?3, ?4, ?5)"},
      {&impl->insert_trigger,
       "INSERT INTO trigger_value (canary_id, channel, value, normalized, token) VALUES (?1, ?2, "
       "?3, ?4, ?5)"},
      {&impl->insert_fingerprint, "INSERT INTO fingerprint (canary_id, kind, normalized) VALUES (?1, ?2, ?3)"},
      // A new random stamp whenever trigger values or fingerprints change (never a counter:
      // a restored backup followed by new writes must not meet an old stamp again).
      {&impl->bump_needles, "UPDATE registry_state SET value = random() WHERE name = 'needles_version'"},
      {&impl->insert_placement,
       "INSERT INTO placement (canary_id, copy_id, target, table_name, row_key, planted_at, target_rows) "
       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"},
      {&impl->insert_hit,
       "INSERT INTO hit (canary_id, trigger_id, channel, at, source, details, automated, "
       "automated_reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"},
      {&impl->canary_copies,
       "SELECT copy_id FROM canary WHERE id = ?1 AND copy_id IS NOT NULL UNION SELECT copy_id "
       "FROM placement WHERE canary_id = ?1 AND retired_at IS NULL"},
      {&impl->open_incident,
       "SELECT id, confidence = 'high', alerted_through, last_hit_at FROM incident WHERE copy_id = ?1 AND state != 'closed' AND "
       "last_hit_at >= ?2 "
       "ORDER BY last_hit_at DESC LIMIT 1"},
      {&impl->join_incident,
       "UPDATE incident SET last_hit_at = max(last_hit_at, ?2), confidence = CASE WHEN ?3 THEN "
       "confidence ELSE 'high' END WHERE id = ?1"},
      {&impl->new_incident,
       "INSERT INTO incident (copy_id, opened_at, last_hit_at, state, confidence) VALUES (?1, "
       "?2, ?2, 'open', CASE WHEN ?3 THEN 'low' ELSE 'high' END)"},
      {&impl->link_hit, "INSERT OR IGNORE INTO incident_hit (incident_id, hit_id) VALUES (?1, ?2)"},
      // By token alone: it is unique, and a function of the normalized value (token_of).
      {&impl->trigger_taken, "SELECT count(*) FROM trigger_value WHERE token = ?1"},
      // The index leaves out name + birth date, which may repeat: the last term lets SQLite use it.
      {&impl->find_fingerprint,
       "SELECT count(*) FROM fingerprint WHERE normalized = ?2 AND kind = ?1 AND kind != 'name_dob'"},
  };
  for (const auto& [stmt, sql] : statements) {
    auto st = sqlite::Stmt::prepare(db, sql);
    if (!st) return where(st.status());
    *stmt = std::move(*st);
  }
  impl->db = std::move(db);
  return std::unique_ptr<Registry>(new Registry(std::move(impl)));
}

Registry::Registry(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Registry::~Registry() = default;

const std::filesystem::path& Registry::path() const { return impl_->path; }
int Registry::schema_version() const { return impl_->schema_version; }

Result<std::optional<CopyRow>> Registry::find_copy(const std::string& name) {
  auto& st = impl_->find_copy;
  st.bind(1, name);
  auto row = st.step();
  std::optional<CopyRow> out;
  if (row && *row) out = read_copy(st);
  st.reset();
  if (!row) return row.status();
  return out;
}

Result<CopyRow> Registry::ensure_copy(const std::string& name, TimePoint now) {
  if (name.empty()) return Status::InvalidArgument("a copy name must not be empty");
  auto found = find_copy(name);
  if (!found) return found.status();
  if (*found) return **found;
  CT_RETURN_IF_ERROR(impl_->insert_copy.bind(1, name).bind(2, to_unix_micros(now)).run());
  CopyRow c;
  c.id = sqlite3_last_insert_rowid(impl_->db.get());
  c.name = name;
  c.created_at = now;
  return c;
}

Result<std::vector<CopyRow>> Registry::list_copies() {
  auto st = sqlite::Stmt::prepare(impl_->db, "SELECT " + std::string(kCopyColumns) + " FROM copy ORDER BY name");
  if (!st) return st.status();
  std::vector<CopyRow> out;
  for (;;) {
    auto row = st->step();
    if (!row) return row.status();
    if (!*row) break;
    out.push_back(read_copy(*st));
  }
  return out;
}

Status check_tokens(const NewCanary& canary) {
  for (const TriggerValue& t : canary.triggers) {
    if (t.token.empty() || t.token != token_of(t.channel, t.normalized)) {
      return Status::InvalidArgument("trigger value " + t.normalized + ": token '" + t.token +
                                     "' is not the one it carries");
    }
  }
  return Status::Ok();
}

Result<std::int64_t> Registry::insert_canary(const NewCanary& c) {
  auto& db = impl_->db;
  CT_RETURN_IF_ERROR(check_tokens(c));  // first: a malformed value is an error, not "taken"
  // Taken values are looked up first rather than caught as constraint errors under a
  // SAVEPOINT: a savepoint per canary costs more than the inserts themselves. Only e-mail
  // addresses can realistically be taken (name-like, about 30 bits); dns and http tokens
  // carry 87 and 96 random bits, and the UNIQUE indexes still refuse the impossible.
  for (const TriggerValue& t : c.triggers) {
    if (t.channel != Channel::kSmtp) continue;
    auto& st = impl_->trigger_taken;
    st.bind(1, t.token);
    auto row = st.step();
    const bool taken = row && *row && st.int64(0) > 0;
    st.reset();
    if (!row) return row.status();
    if (taken) return Status::AlreadyExists("trigger value " + t.normalized + " is already registered");
  }
  // Outside a transaction the canary gets its own, so that it is written whole or not at all;
  // inside one, a failure part-way leaves the caller to roll back (mint and plant do).
  const bool own_transaction = sqlite3_get_autocommit(db.get()) != 0;
  if (own_transaction) CT_RETURN_IF_ERROR(db.exec("BEGIN IMMEDIATE"));
  const auto fail = [&](Status s) {
    if (own_transaction) (void)db.exec("ROLLBACK");
    // Not AlreadyExists: rows of this canary may already be written, so the caller must roll
    // back rather than draw again.
    if (s.code() == Status::Code::kAlreadyExists) return Status::Internal(s.message() + " (unchecked value collided)");
    return s;
  };
  auto& ic = impl_->insert_canary;
  ic.bind(1, canary_kind_name(c.kind)).bind(2, c.copy_id).bind(5, to_unix_micros(c.created_at)).bind(4, c.memo);
  if (c.locale.empty()) {
    ic.bind_null(3);
  } else {
    ic.bind(3, c.locale);
  }
  if (Status s = ic.run(); !s.ok()) return fail(s);
  const std::int64_t id = sqlite3_last_insert_rowid(db.get());
  for (const TriggerValue& t : c.triggers) {
    auto& it = impl_->insert_trigger;
    it.bind(1, id).bind(2, channel_name(t.channel)).bind(3, t.value).bind(4, t.normalized).bind(5, t.token);
    if (Status s = it.run(); !s.ok()) return fail(s);
  }
  for (const FingerprintValue& f : c.fingerprints) {
    auto& st = impl_->insert_fingerprint;
    st.bind(1, id).bind(2, f.kind).bind(3, f.normalized);
    if (Status s = st.run(); !s.ok()) return fail(s);
  }
  if (Status s = impl_->bump_needles.run(); !s.ok()) return fail(s);
  if (own_transaction) CT_RETURN_IF_ERROR(db.exec("COMMIT"));
  return id;
}

Result<bool> Registry::has_fingerprint(const std::string& kind, const std::string& normalized) {
  auto& st = impl_->find_fingerprint;
  st.bind(1, kind).bind(2, normalized);
  auto row = st.step();
  const bool found = row && *row && st.int64(0) > 0;
  st.reset();
  if (!row) return row.status();
  return found;
}

Status Registry::delete_canaries(const std::vector<std::int64_t>& ids) {
  for (const char* sql : {"DELETE FROM placement WHERE canary_id = ?1", "DELETE FROM trigger_value WHERE canary_id = ?1",
                          "DELETE FROM fingerprint WHERE canary_id = ?1", "DELETE FROM canary WHERE id = ?1"}) {
    auto st = sqlite::Stmt::prepare(impl_->db, sql);
    if (!st) return st.status();
    for (auto id : ids) CT_RETURN_IF_ERROR(st->bind(1, id).run());
  }
  return impl_->bump_needles.run();
}

Result<std::int64_t> Registry::insert_placement(const NewPlacement& p) {
  auto& st = impl_->insert_placement;
  st.bind(1, p.canary_id).bind(2, p.copy_id).bind(3, p.target).bind(4, p.table_name).bind(5, p.row_key);
  st.bind(6, to_unix_micros(p.planted_at)).bind(7, p.target_rows);
  CT_RETURN_IF_ERROR(st.run());
  return sqlite3_last_insert_rowid(impl_->db.get());
}

namespace {

// Reads placements (columns as in kPlacementSelect) and fills in each canary's values.
constexpr std::string_view kPlacementSelect =
    "SELECT p.id, p.canary_id, c.name, p.target, coalesce(p.table_name, ''), coalesce(p.row_key, ''), p.planted_at, "
    "p.retired_at, (SELECT group_concat(v, char(10)) FROM (SELECT t.value AS v FROM trigger_value t WHERE "
    "t.canary_id = p.canary_id UNION SELECT f.normalized FROM fingerprint f WHERE f.canary_id = p.canary_id AND "
    "f.kind IN ('id_number', 'email', 'ssn', 'card', 'phone'))) "
    "FROM placement p JOIN copy c ON c.id = p.copy_id ";

Result<std::vector<PlacementRow>> read_placements(sqlite::Stmt& st) {
  std::vector<PlacementRow> out;
  for (;;) {
    auto row = st.step();
    if (!row) return row.status();
    if (!*row) break;
    PlacementRow p;
    p.id = st.int64(0);
    p.canary_id = st.int64(1);
    p.copy = st.text(2);
    p.target = st.text(3);
    p.table_name = st.text(4);
    p.row_key = st.text(5);
    p.planted_at = from_unix_micros(st.int64(6));
    if (auto r = st.optional_int64(7)) p.retired_at = from_unix_micros(*r);
    std::string values = st.text(8);
    std::size_t start = 0;
    while (start < values.size()) {
      auto nl = values.find('\n', start);
      if (nl == std::string::npos) nl = values.size();
      p.values.push_back(values.substr(start, nl - start));
      start = nl + 1;
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

Result<std::vector<PlacementRow>> Registry::active_placements(std::int64_t copy_id, const std::string& target,
                                                              const std::optional<std::string>& table) {
  auto st = sqlite::Stmt::prepare(impl_->db, std::string(kPlacementSelect) +
                                                 "WHERE p.copy_id = ?1 AND p.target = ?2 AND p.retired_at IS NULL "
                                                 "AND (?3 IS NULL OR p.table_name = ?3) ORDER BY p.id");
  if (!st) return st.status();
  st->bind(1, copy_id).bind(2, target);
  if (table) {
    st->bind(3, *table);
  } else {
    st->bind_null(3);
  }
  return read_placements(*st);
}

Result<std::vector<PlacementRow>> Registry::placements_of(const std::vector<std::int64_t>& canary_ids) {
  auto st = sqlite::Stmt::prepare(impl_->db, std::string(kPlacementSelect) + "WHERE p.canary_id = ?1 ORDER BY p.id");
  if (!st) return st.status();
  std::vector<PlacementRow> out;
  for (auto id : canary_ids) {
    st->bind(1, id);
    auto rows = read_placements(*st);
    st->reset();
    if (!rows) return rows.status();
    for (auto& r : *rows) out.push_back(std::move(r));
  }
  return out;
}

Status Registry::retire_placements(const std::vector<std::int64_t>& placement_ids, TimePoint at) {
  auto st = sqlite::Stmt::prepare(impl_->db, "UPDATE placement SET retired_at = ?2 WHERE id = ?1");
  if (!st) return st.status();
  for (auto id : placement_ids) CT_RETURN_IF_ERROR(st->bind(1, id).bind(2, to_unix_micros(at)).run());
  return Status::Ok();
}

Result<std::vector<CanaryRow>> Registry::list_canaries(const CanaryFilter& filter) {
  auto copy = filter_copy_id(filter.copy);
  if (!copy) return copy.status();
  const std::optional<std::int64_t> copy_id = *copy;
  // The same WHERE clause selects the canaries and, in a second pass, their triggers;
  // both come ordered by canary id and are merged.
  // ?4: the last canary of this page, so that the trigger pass reads no further.
  const std::string where =
      " WHERE (?1 IS NULL OR c.copy_id = ?1 OR c.id IN (SELECT canary_id FROM placement WHERE copy_id = ?1))"
      " AND (?2 IS NULL OR c.kind = ?2) AND c.id > ?3 AND c.id <= ?4";
  auto cs = sqlite::Stmt::prepare(impl_->db,
                                  "SELECT c.id, c.kind, coalesce(p.name, ''), coalesce(c.locale, ''), c.memo, "
                                  "c.created_at FROM canary c LEFT JOIN copy p ON p.id = c.copy_id" +
                                      where + " ORDER BY c.id LIMIT ?5");
  if (!cs) return cs.status();
  auto ts = sqlite::Stmt::prepare(impl_->db,
                                  "SELECT t.canary_id, t.id, t.channel, t.value, t.token FROM trigger_value t "
                                  "JOIN canary c ON c.id = t.canary_id" +
                                      where + " ORDER BY t.canary_id, t.id");
  if (!ts) return ts.status();
  for (auto* st : {&*cs, &*ts}) {
    st->bind(1, copy_id);
    if (filter.kind) {
      st->bind(2, canary_kind_name(*filter.kind));
    } else {
      st->bind_null(2);
    }
    st->bind(3, filter.after_id).bind(4, std::numeric_limits<std::int64_t>::max());
  }
  cs->bind(5, filter.limit);
  std::vector<CanaryRow> out;
  for (;;) {
    auto row = cs->step();
    if (!row) return row.status();
    if (!*row) break;
    CanaryRow c;
    c.id = cs->int64(0);
    auto kind = parse_canary_kind(cs->text(1));
    if (!kind) return Status::Corruption("canary " + std::to_string(c.id) + ": " + kind.status().message());
    c.kind = *kind;
    c.copy = cs->text(2);
    c.locale = cs->text(3);
    c.memo = cs->text(4);
    c.created_at = from_unix_micros(cs->int64(5));
    out.push_back(std::move(c));
  }
  if (out.empty()) return out;
  ts->bind(4, out.back().id);
  std::size_t i = 0;
  for (;;) {
    auto row = ts->step();
    if (!row) return row.status();
    if (!*row) break;
    const std::int64_t canary_id = ts->int64(0);
    while (i < out.size() && out[i].id < canary_id) ++i;
    if (i == out.size()) break;
    if (out[i].id != canary_id) continue;
    TriggerRow t;
    t.id = ts->int64(1);
    auto channel = parse_channel(ts->text(2));
    if (!channel) return Status::Corruption("trigger " + std::to_string(t.id) + ": " + channel.status().message());
    t.channel = *channel;
    t.value = ts->text(3);
    t.token = ts->text(4);
    out[i].triggers.push_back(std::move(t));
  }
  return out;
}

Result<std::optional<std::int64_t>> Registry::filter_copy_id(const std::optional<std::string>& name) {
  if (!name) return std::optional<std::int64_t>();
  auto c = find_copy(*name);
  if (!c) return c.status();
  if (!*c) return Status::NotFound("no copy named '" + *name + "'");
  return std::optional<std::int64_t>((*c)->id);
}

Result<std::optional<CanaryRow>> Registry::find_canary(std::int64_t id) {
  auto rows = list_canaries({.after_id = id - 1, .limit = 1});
  if (!rows) return rows.status();
  if (rows->empty() || rows->front().id != id) return std::optional<CanaryRow>();
  return std::optional<CanaryRow>(std::move(rows->front()));
}

Result<std::vector<PlacementRow>> Registry::list_placements(const PlacementFilter& filter) {
  auto copy = filter_copy_id(filter.copy);
  if (!copy) return copy.status();
  const std::optional<std::int64_t> copy_id = *copy;
  auto st = sqlite::Stmt::prepare(impl_->db, std::string(kPlacementSelect) +
                                                 "WHERE (?1 IS NULL OR p.copy_id = ?1) AND (?2 IS NULL OR "
                                                 "p.canary_id = ?2) AND p.id > ?3 ORDER BY p.id LIMIT ?4");
  if (!st) return st.status();
  st->bind(1, copy_id).bind(2, filter.canary_id).bind(3, filter.after_id).bind(4, filter.limit);
  return read_placements(*st);
}

Registry::Transaction::Transaction(Registry& reg) : reg_(reg), begun_(reg.impl_->db.exec("BEGIN IMMEDIATE")) {}

Registry::Transaction::~Transaction() {
  if (begun_.ok() && !done_) (void)reg_.impl_->db.exec("ROLLBACK");
}

Status Registry::Transaction::commit() {
  if (!begun_.ok()) return begun_;
  if (done_) return Status::Internal("transaction committed twice");
  Status s = reg_.impl_->db.exec("COMMIT");
  if (s.ok()) done_ = true;
  return s;
}

}  // namespace canarytrap
