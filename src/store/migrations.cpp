#include "migrations.h"

#include <string>

namespace canarytrap::store {

// Times are INTEGER Unix microseconds, UTC. CHECKs spell out `x = 'a' OR x = 'b'` rather
// than `x IN (...)`: SQLite builds an ephemeral index for an IN list on every INSERT, which
// cost more than the rest of the insert.
const std::vector<Migration>& migrations() {
  static const std::vector<Migration> list = {
      {1, "copies, canaries, trigger values, fingerprints, placements", R"sql(
CREATE TABLE copy (
  id             INTEGER PRIMARY KEY,
  name           TEXT    NOT NULL UNIQUE,
  parent_copy_id INTEGER REFERENCES copy(id),
  derived_at     INTEGER,
  created_at     INTEGER NOT NULL
);
CREATE TABLE canary (
  id         INTEGER PRIMARY KEY,
  kind       TEXT    NOT NULL CHECK (kind = 'record' OR kind = 'dns' OR kind = 'http' OR kind = 'smtp'),
  copy_id    INTEGER REFERENCES copy(id),
  locale     TEXT,
  memo       TEXT    NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);
CREATE INDEX canary_copy ON canary(copy_id);
CREATE TABLE trigger_value (
  id         INTEGER PRIMARY KEY,
  canary_id  INTEGER NOT NULL REFERENCES canary(id) ON DELETE CASCADE,
  channel    TEXT    NOT NULL CHECK (channel = 'dns' OR channel = 'http' OR channel = 'smtp'),
  value      TEXT    NOT NULL,
  normalized TEXT    NOT NULL UNIQUE,
  token      TEXT    NOT NULL UNIQUE
);
CREATE INDEX trigger_value_canary ON trigger_value(canary_id);
CREATE TABLE fingerprint (
  id         INTEGER PRIMARY KEY,
  canary_id  INTEGER NOT NULL REFERENCES canary(id) ON DELETE CASCADE,
  kind       TEXT    NOT NULL CHECK (kind = 'id_number' OR kind = 'phone' OR kind = 'name_dob' OR kind = 'ssn' OR kind = 'card' OR kind = 'email' OR kind = 'url'),
  normalized TEXT    NOT NULL
);
CREATE INDEX fingerprint_normalized ON fingerprint(normalized);
CREATE INDEX fingerprint_canary ON fingerprint(canary_id);
CREATE TABLE placement (
  id         INTEGER PRIMARY KEY,
  canary_id  INTEGER NOT NULL REFERENCES canary(id),
  copy_id    INTEGER NOT NULL REFERENCES copy(id),
  target     TEXT    NOT NULL,
  table_name TEXT,
  row_key    TEXT,
  planted_at INTEGER NOT NULL,
  retired_at INTEGER
);
CREATE INDEX placement_canary ON placement(canary_id);
CREATE INDEX placement_copy ON placement(copy_id, planted_at);
)sql"},
      {2, "hits, incidents, alert outbox", R"sql(
CREATE TABLE hit (
  id               INTEGER PRIMARY KEY,
  canary_id        INTEGER NOT NULL REFERENCES canary(id),
  trigger_id       INTEGER REFERENCES trigger_value(id),
  channel          TEXT    NOT NULL CHECK (channel = 'dns' OR channel = 'http' OR channel = 'smtp' OR channel = 'scan'),
  at               INTEGER NOT NULL,
  source           TEXT    NOT NULL DEFAULT '',
  details          TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(details)),
  automated        INTEGER NOT NULL DEFAULT 0,
  automated_reason TEXT
);
CREATE INDEX hit_at ON hit(at);
CREATE INDEX hit_canary ON hit(canary_id, at);
CREATE TABLE incident (
  id          INTEGER PRIMARY KEY,
  copy_id     INTEGER NOT NULL REFERENCES copy(id),
  opened_at   INTEGER NOT NULL,
  last_hit_at INTEGER NOT NULL,
  state       TEXT    NOT NULL DEFAULT 'open' CHECK (state = 'open' OR state = 'acknowledged' OR state = 'closed'),
  confidence  TEXT    NOT NULL DEFAULT 'high' CHECK (confidence = 'high' OR confidence = 'low')
);
CREATE INDEX incident_copy ON incident(copy_id, state);
CREATE TABLE incident_hit (
  incident_id INTEGER NOT NULL REFERENCES incident(id),
  hit_id      INTEGER NOT NULL REFERENCES hit(id),
  PRIMARY KEY (incident_id, hit_id)
) WITHOUT ROWID;
CREATE TABLE alert (
  id              INTEGER PRIMARY KEY,
  uid             TEXT    NOT NULL UNIQUE,
  incident_id     INTEGER REFERENCES incident(id),
  destination     TEXT    NOT NULL,
  event           TEXT    NOT NULL,
  payload         TEXT    NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  created_at      INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  delivered_at    INTEGER,
  failed_at       INTEGER,
  last_error      TEXT
);
CREATE INDEX alert_due ON alert(next_attempt_at) WHERE delivered_at IS NULL AND failed_at IS NULL;
)sql"},
      {3, "alert digests: which hits each alert covers, and how far each incident was alerted", R"sql(
ALTER TABLE incident ADD COLUMN alerted_through INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incident ADD COLUMN last_alert_at INTEGER;
ALTER TABLE alert ADD COLUMN hit_from INTEGER NOT NULL DEFAULT 0;
ALTER TABLE alert ADD COLUMN hit_to INTEGER NOT NULL DEFAULT 0;
ALTER TABLE alert ADD COLUMN retried_at INTEGER;
ALTER TABLE alert ADD COLUMN last_status INTEGER;
CREATE INDEX alert_incident ON alert(destination, incident_id, id);
)sql"},
      {4, "rows in a plant's target after planting: how large a copy is, for scan's sample estimates", R"sql(
ALTER TABLE placement ADD COLUMN target_rows INTEGER;
)sql"},
      {5, "API keys for the admin API and dashboard: only their SHA-256 is kept", R"sql(
CREATE TABLE api_key (
  id           INTEGER PRIMARY KEY,
  name         TEXT    NOT NULL UNIQUE,
  role         TEXT    NOT NULL CHECK (role = 'admin' OR role = 'viewer'),
  key_sha256   TEXT    NOT NULL UNIQUE,
  created_at   INTEGER NOT NULL,
  revoked_at   INTEGER,
  last_used_at INTEGER
);
)sql"},
      {6, "a version stamp of the scan needles, for the scanner's cached index", R"sql(
CREATE TABLE registry_state (
  name  TEXT    PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO registry_state (name, value) VALUES ('needles_version', random());
)sql"},
      // Uniqueness where a clash is possible, and nothing indexed twice: a token is a function
      // of its normalized value (token_of), so UNIQUE(token) keeps the values unique too, and
      // a name + birth date is allowed to repeat (two people may share both), so it needs no
      // index of its values. A planted person costs 4 B-tree entries fewer (the registry's
      // part of a plant 1.4x cheaper).
      // The token index is made after the copy (sorted, not row by row): a registry of
      // 1,000,000 canaries migrates in about 20 s instead of 65.
      {7, "trigger values unique through their token; name + birth date fingerprints not indexed", R"sql(
CREATE TABLE trigger_value_new (
  id         INTEGER PRIMARY KEY,
  canary_id  INTEGER NOT NULL REFERENCES canary(id) ON DELETE CASCADE,
  channel    TEXT    NOT NULL CHECK (channel = 'dns' OR channel = 'http' OR channel = 'smtp'),
  value      TEXT    NOT NULL,
  normalized TEXT    NOT NULL,
  token      TEXT    NOT NULL
);
INSERT INTO trigger_value_new (id, canary_id, channel, value, normalized, token)
  SELECT id, canary_id, channel, value, normalized, token FROM trigger_value ORDER BY id;
DROP TABLE trigger_value;
ALTER TABLE trigger_value_new RENAME TO trigger_value;
CREATE UNIQUE INDEX trigger_value_token ON trigger_value(token);
CREATE INDEX trigger_value_canary ON trigger_value(canary_id);
DROP INDEX fingerprint_normalized;
CREATE INDEX fingerprint_normalized ON fingerprint(normalized) WHERE kind != 'name_dob';
)sql", true},
      // The key of the value mark (core/value_mark.h): canaries planted from now on carry it,
      // those planted before do not, and the scanner filters by it only for kinds whose every
      // value does. SQLite's random() is drawn from its own CSPRNG, seeded by the OS.
      {8, "the key canary values are marked with for the scanner", R"sql(
INSERT INTO registry_state (name, value) VALUES ('value_mark_key', random());
)sql"},
  };
  return list;
}

int latest_schema_version() { return migrations().back().version; }

namespace {

Status check_is_registry(const sqlite::Db& db) {
  auto app = db.query_int("PRAGMA application_id");
  if (!app) return app.status();
  if (*app == kApplicationId) return Status::Ok();
  if (*app != 0) return Status::Corruption("an SQLite database of another application, not a canarytrap registry");
  auto tables = db.query_int("SELECT count(*) FROM sqlite_master");
  if (!tables) return tables.status();
  if (*tables != 0) return Status::Corruption("an SQLite database, but not a canarytrap registry");
  return Status::Ok();
}

// Applies `m` in its own IMMEDIATE transaction, unless another process did meanwhile.
Status apply(const sqlite::Db& db, const Migration& m) {
  CT_RETURN_IF_ERROR(db.exec("BEGIN IMMEDIATE"));
  auto current = db.query_int("PRAGMA user_version");
  if (!current) {
    (void)db.exec("ROLLBACK");
    return current.status();
  }
  if (*current >= m.version) return db.exec("COMMIT");
  Status s = db.exec(m.sql);
  if (s.ok() && m.rebuilds_tables) {
    auto broken = db.query_int("SELECT count(*) FROM pragma_foreign_key_check");
    if (!broken) {
      s = broken.status();
    } else if (*broken != 0) {
      s = Status::Corruption(std::to_string(*broken) + " rows would reference rows that do not exist");
    }
  }
  if (s.ok()) s = db.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
  if (s.ok()) s = db.exec("PRAGMA user_version = " + std::to_string(m.version));
  if (s.ok()) s = db.exec("COMMIT");
  if (!s.ok()) {
    (void)db.exec("ROLLBACK");
    return s.WithContext("migration " + std::to_string(m.version) + " (" + std::string(m.description) + ")");
  }
  return Status::Ok();
}

}  // namespace

Status migrate(const sqlite::Db& db, int target) {
  if (target < 0) target = latest_schema_version();
  // Reading the header is where SQLite notices a file that is not a database at all.
  auto version = db.query_int("PRAGMA user_version");
  if (!version) {
    return version.status().code() == Status::Code::kCorruption
               ? Status::Corruption("not an SQLite database, so not a canarytrap registry")
               : version.status();
  }
  if (*version > latest_schema_version()) {
    return Status::Unsupported("schema version " + std::to_string(*version) +
                               " is newer than this canarytrap supports (" + std::to_string(latest_schema_version()) +
                               "); upgrade canarytrap");
  }
  CT_RETURN_IF_ERROR(check_is_registry(db));
  for (const Migration& m : migrations()) {
    if (m.version > target) break;
    if (*version >= m.version) continue;
    // Foreign keys can only be switched outside a transaction; dropping a referenced table
    // with them on would delete (or refuse) the rows that reference it.
    auto foreign_keys = db.query_int("PRAGMA foreign_keys");
    if (!foreign_keys) return foreign_keys.status();
    // And the dropped table's pages are not overwritten one by one (Debian's SQLite is built
    // with secure_delete on): what they hold lives on in the new table anyway.
    if (m.rebuilds_tables) CT_RETURN_IF_ERROR(db.exec("PRAGMA foreign_keys = OFF; PRAGMA secure_delete = FAST"));
    Status s = apply(db, m);
    if (m.rebuilds_tables) {
      const std::string restore = std::string("PRAGMA secure_delete = ON; PRAGMA foreign_keys = ") +
                                  (*foreign_keys != 0 ? "ON" : "OFF");
      if (Status on = db.exec(restore); s.ok()) s = on;
    }
    CT_RETURN_IF_ERROR(s);
  }
  return Status::Ok();
}

}  // namespace canarytrap::store
