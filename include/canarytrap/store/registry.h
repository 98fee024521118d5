// The registry: canarytrap's one SQLite database of copies, canaries, their trigger values
// and fingerprints, placements, hits, incidents and the alert outbox.
//
// Open it once per process. It runs in WAL mode with foreign keys on, brings its schema
// up to date on open (migrations, PRAGMA user_version) and keeps its statements prepared.
// Nothing above the store module writes SQL; everything goes through this class.
// A Registry is not thread-safe: one thread uses it at a time.
//
//   auto reg = Registry::open("canarytrap.db", {.create_if_missing = false});
//   if (!reg) { /* reg.status().message() says what is wrong */ }
//   Registry::Transaction tx(**reg);
//   ... (*reg)->insert_canary(...) ...
//   CT_RETURN_IF_ERROR(tx.commit());
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "canarytrap/core/clock.h"
#include "canarytrap/core/status.h"
#include "canarytrap/core/trigger_values.h"

namespace canarytrap {

enum class CanaryKind { kRecord, kDns, kHttp, kSmtp };
std::string_view canary_kind_name(CanaryKind k);
Result<CanaryKind> parse_canary_kind(std::string_view name);

struct CopyRow {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::int64_t> parent_copy_id;
  std::optional<TimePoint> derived_at;
  TimePoint created_at;
};

struct TriggerRow {
  std::int64_t id = 0;
  Channel channel = Channel::kDns;
  std::string value;
  std::string token;
};

struct CanaryRow {
  std::int64_t id = 0;
  CanaryKind kind = CanaryKind::kDns;
  std::string copy;  // name of the copy it was minted for; empty if none
  std::string locale;
  std::string memo;
  TimePoint created_at;
  std::vector<TriggerRow> triggers;  // the canary's own trigger first

  // The value a person hands out: the URL of an http canary, the e-mail of a record.
  const TriggerRow* primary() const;
};

struct FingerprintValue {
  std::string kind;        // id_number phone name_dob ssn card email url
  std::string normalized;  // normalize_fingerprint(kind, value)
};

struct NewCanary {
  CanaryKind kind = CanaryKind::kDns;
  std::optional<std::int64_t> copy_id;
  std::string locale;
  std::string memo;
  TimePoint created_at;
  std::vector<TriggerValue> triggers;
  std::vector<FingerprintValue> fingerprints = {};
};

struct NewPlacement {
  std::int64_t canary_id = 0;
  std::int64_t copy_id = 0;
  std::string target;  // redacted URI
  std::string table_name;
  std::string row_key;
  TimePoint planted_at;
  std::optional<std::int64_t> target_rows = std::nullopt;  // rows in the target after the plant
};

// What the scanner loads: every value that identifies a canary, normalized.
struct ScanNeedle {
  std::int64_t canary_id = 0;
  std::string kind;   // token (dns label, http id), email, id_number, phone, ssn, card, name_dob
  std::string value;  // normalized as normalize_fingerprint does; tokens lower-case
};

// A canary's presence in a copy, for attribution and dating: placements, and canaries minted
// for a copy (planted_at = created_at).
struct CopyMembership {
  std::int64_t canary_id = 0;
  std::int64_t copy_id = 0;
  TimePoint planted_at;
  std::optional<TimePoint> retired_at;
  std::optional<std::int64_t> target_rows;
};

struct PlacementRow {
  std::int64_t id = 0;
  std::int64_t canary_id = 0;
  std::string copy;
  std::string target;
  std::string table_name;
  std::string row_key;
  TimePoint planted_at;
  std::optional<TimePoint> retired_at;
  // The canary's trigger values and exact-match fingerprints (ID, e-mail, SSN, card, phone
  // as digits): what finds its row in a file, where row numbers shift as rows come and go,
  // and tells it from a real row in a database, where a rowid can change.
  std::vector<std::string> values;
};

struct CanaryFilter {
  std::optional<std::string> copy = std::nullopt;  // copy name
  std::optional<CanaryKind> kind = std::nullopt;
  std::int64_t after_id = 0;  // paging: canaries with larger ids, in id order
  std::int64_t limit = -1;    // -1: all
};

// A trigger as the recorder's in-memory index holds it.
struct IndexedTrigger {
  std::int64_t trigger_id = 0;
  std::int64_t canary_id = 0;
  Channel channel = Channel::kDns;
  std::string token;
};

struct NewHit {
  std::int64_t canary_id = 0;
  std::optional<std::int64_t> trigger_id;
  std::string channel;  // dns http smtp scan
  TimePoint at;
  std::string source;
  std::string details_json = "{}";
  bool automated = false;
  std::string automated_reason;
};

struct HitRow {
  std::int64_t id = 0;
  std::int64_t canary_id = 0;
  std::string canary_kind;
  std::string copy;           // the canary's copy (minted for, or first planted into)
  std::string trigger_value;  // the value that fired, if known
  std::string channel;
  TimePoint at;
  std::string source;
  std::string details_json;
  bool automated = false;
  std::string automated_reason;
};

struct IncidentRow {
  std::int64_t id = 0;
  std::string copy;
  TimePoint opened_at, last_hit_at;
  std::string state;       // open acknowledged closed
  std::string confidence;  // high, or low while every hit is automated
  std::int64_t hits = 0;
  std::int64_t canaries = 0;
  std::vector<std::string> channels;
  std::vector<std::string> sources;  // distinct, at most 20
};

// Which incidents an alert destination wants; the outbox writes one alert per matching
// destination per event. (Formats, addresses and secrets are the alert module's business.)
struct AlertRoute {
  std::string destination;
  std::vector<std::string> copies;  // copy names; empty = every copy
  bool high_confidence_only = false;
};

// One alert in the outbox: an event about an incident, for one destination, covering the
// incident's hits with ids in (hit_from, hit_to].
struct AlertRow {
  std::int64_t id = 0;
  std::string uid;  // the idempotency key receivers deduplicate by
  std::optional<std::int64_t> incident_id;
  std::string destination;
  std::string event;    // incident.opened incident.updated incident.digest
  std::string payload;  // the generic JSON body, fixed at the first attempt; "" before
  std::int64_t attempts = 0;
  TimePoint created_at, next_attempt_at;
  std::optional<TimePoint> delivered_at, failed_at, retried_at;
  std::string last_error;
  std::optional<std::int64_t> last_status;  // HTTP status of the last attempt
  std::int64_t hit_from = 0, hit_to = 0;
  std::string state() const;  // pending delivered failed
};

// What an alert is about, read from the registry when it is first rendered.
struct AlertContext {
  IncidentRow incident;
  struct Canary {
    std::int64_t id = 0;
    std::string kind;
    std::vector<std::string> copies;  // every copy holding it (active placements, or minted for)
    std::vector<TriggerRow> triggers;
    std::vector<PlacementRow> placements;
  };
  std::vector<HitRow> hits;        // the hits this alert covers, oldest first
  std::vector<Canary> canaries;    // the canaries of those hits
  std::int64_t incident_hits = 0;  // every hit of the incident so far
};

// An API key as the registry keeps it: never the key itself, only its SHA-256.
struct ApiKeyRow {
  std::int64_t id = 0;
  std::string name;
  std::string role;  // admin: may change things; viewer: may only read
  TimePoint created_at;
  std::optional<TimePoint> revoked_at, last_used_at;
};

struct HitFilter {
  std::optional<TimePoint> since = std::nullopt;
  std::optional<std::string> copy = std::nullopt;
  std::optional<std::string> channel = std::nullopt;
  std::int64_t limit = 1000;
  std::optional<TimePoint> until = std::nullopt;  // hits before this time
  std::optional<bool> automated = std::nullopt;
  // Paging, newest first: hits older than (at, id) of the last one already seen.
  std::optional<std::pair<TimePoint, std::int64_t>> before = std::nullopt;
};

struct IncidentFilter {
  std::optional<std::string> state = std::nullopt;  // open acknowledged closed
  std::int64_t limit = 100;
};

struct AlertFilter {
  std::optional<std::string> state = std::nullopt;  // pending delivered failed
  std::optional<std::string> destination = std::nullopt;
  std::int64_t limit = 100;
};

struct PlacementFilter {
  std::optional<std::string> copy = std::nullopt;
  std::optional<std::int64_t> canary_id = std::nullopt;
  std::int64_t after_id = 0;
  std::int64_t limit = 100;
};

// Hits per time bucket and channel, for the dashboard's timeline.
struct HitBucket {
  TimePoint start;
  std::string channel;
  std::int64_t hits = 0;
};

// What the dashboard polls to know whether anything changed.
struct RegistrySummary {
  std::int64_t copies = 0, canaries = 0, hits = 0, last_hit_id = 0;
  std::int64_t open_incidents = 0, acknowledged_incidents = 0, closed_incidents = 0;
  std::int64_t alerts_pending = 0, alerts_failed = 0;
};

class Registry {
 public:
  struct OpenOptions {
    bool create_if_missing = false;
    // SQLite page cache: large for one-transaction bulk writes (plant, mint), small for the
    // long-running recorder, whose memory is mostly its trigger index.
    int cache_mib = 64;
    // FULL: a commit survives a power cut. NORMAL (in WAL mode): it survives the process being
    // killed, not a power cut; the recorder's group commits use it (DESIGN: kill -9 loses at
    // most the last group commit).
    bool sync_full = true;
  };

  static Result<std::unique_ptr<Registry>> open(const std::filesystem::path& path, OpenOptions options);
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  const std::filesystem::path& path() const;
  int schema_version() const;

  // Copies.
  Result<CopyRow> ensure_copy(const std::string& name, TimePoint now);  // find or create
  Result<std::optional<CopyRow>> find_copy(const std::string& name);
  Result<std::vector<CopyRow>> list_copies();
  // Records that `child` was made from `parent` at `at` (creating `child` if new). Refuses a
  // loop (a copy derived, through others, from itself).
  Result<CopyRow> derive_copy(const std::string& child, const std::string& parent, TimePoint at, TimePoint now);

  // For the scanner: every needle, and every canary's memberships, streamed.
  Status for_each_needle(const std::function<void(ScanNeedle&&)>& f);
  Status for_each_membership(const std::function<void(const CopyMembership&)>& f);
  // How many needles for_each_needle yields.
  Result<std::int64_t> needle_count();
  // Changes (to a new random value) whenever trigger values or fingerprints do: the scanner
  // keeps its index in a file and rebuilds it only when this differs.
  Result<std::int64_t> needles_version();
  // The key canary values are marked with (core/value_mark.h), drawn when the registry was
  // made (or upgraded to schema 8); the same for the registry's life.
  Result<std::uint64_t> value_mark_key();

  // Canaries. insert_canary writes the canary, its triggers and fingerprints; if an e-mail
  // trigger is already taken it writes nothing and returns AlreadyExists, so the caller can
  // draw new values and try again (dns and http tokens carry 87 and 96 random bits; should
  // one collide all the same, UNIQUE(token) refuses it with another error). A trigger whose
  // token is not token_of(channel, normalized) is refused (InvalidArgument). Called outside a
  // Transaction it is atomic on its own; inside one, any other error means the caller must
  // roll back.
  Result<std::int64_t> insert_canary(const NewCanary& canary);
  Result<std::vector<CanaryRow>> list_canaries(const CanaryFilter& filter);
  Result<std::optional<CanaryRow>> find_canary(std::int64_t id);
  // Whether a canary already carries this fingerprint (kind and normalized value). Never for
  // a name + birth date: two people may share both, so they are not indexed.
  Result<bool> has_fingerprint(const std::string& kind, const std::string& normalized);
  // Bulk forms for plants of many canaries, inside a Transaction. taken_* answer, per value,
  // whether the registry already holds it (looked up in key order: nearby B-tree pages;
  // a trigger by its token, a name + birth date never). insert_canaries writes canaries whose
  // values were checked that way and returns their ids in order. Any error: roll back.
  Result<std::vector<bool>> triggers_taken(const std::vector<const TriggerValue*>& values);
  Result<std::vector<bool>> fingerprints_taken(const std::vector<const FingerprintValue*>& values);
  Result<std::vector<std::int64_t>> insert_canaries(const std::vector<NewCanary>& canaries);
  // Removes canaries with their triggers, fingerprints and placements: only to undo a plant
  // whose target write could not be committed.
  Status delete_canaries(const std::vector<std::int64_t>& ids);

  // Placements: where each canary was planted.
  Result<std::int64_t> insert_placement(const NewPlacement& p);
  // Many at once (a plant's), inside a Transaction.
  Status insert_placements(const std::vector<NewPlacement>& placements);
  // Active (not retired) placements of a copy at a target, optionally one table.
  Result<std::vector<PlacementRow>> active_placements(std::int64_t copy_id, const std::string& target,
                                                      const std::optional<std::string>& table);
  // All placements of the canaries listed (for `canaries`), retired ones included.
  Result<std::vector<PlacementRow>> placements_of(const std::vector<std::int64_t>& canary_ids);
  Result<std::vector<PlacementRow>> list_placements(const PlacementFilter& filter);
  Status retire_placements(const std::vector<std::int64_t>& placement_ids, TimePoint at);

  // Triggers with an id above `after_id`, in id order (the recorder's index, and its refresh).
  Status for_each_trigger(std::int64_t after_id, const std::function<void(const IndexedTrigger&)>& f);

  // Hits: written in one transaction per batch (group commit); listed newest first. Each hit
  // joins, for every copy its canary belongs to (minted for, or planted into and not
  // retired), that copy's incident whose last hit is within `quiet_window`, or opens one.
  // An incident is low-confidence while all its hits are automated.
  Status insert_hits(const std::vector<NewHit>& hits, Micros quiet_window = std::chrono::hours(24));
  Result<std::vector<HitRow>> list_hits(const HitFilter& filter);
  Result<std::vector<IncidentRow>> list_incidents(std::int64_t limit);
  Result<std::optional<IncidentRow>> find_incident(std::int64_t id);
  Result<std::vector<IncidentRow>> list_incidents(const IncidentFilter& filter);
  // open -> acknowledged -> closed (or straight to closed); a closed incident stays closed,
  // and a later hit on its copy opens a new one.
  Status set_incident_state(std::int64_t id, const std::string& state);
  // The incident's hits, oldest first: its evidence.
  Result<std::vector<HitRow>> incident_hits(std::int64_t incident_id, std::int64_t limit);
  Result<std::vector<HitBucket>> hit_histogram(TimePoint since, Micros bucket);
  Result<RegistrySummary> summary();

  // The alert outbox. insert_hits writes an incident.opened alert per matching route when an
  // incident opens, and incident.updated when an incident turns high-confidence, in the hits'
  // transaction. create_digests turns hits that arrived after an incident's last alert into
  // one incident.digest alert per route, at most once per `interval` per incident.
  void set_alert_routes(std::vector<AlertRoute> routes);
  Result<std::int64_t> create_digests(TimePoint now, Micros interval);
  // Undelivered, unfailed alerts due by `now`, oldest first, each the oldest pending one of
  // its (destination, incident): alerts of one incident go out in order.
  Result<std::vector<AlertRow>> due_alerts(TimePoint now, std::int64_t limit);
  Result<AlertContext> alert_context(const AlertRow& alert);
  Status set_alert_payload(std::int64_t alert_id, const std::string& payload);
  enum class AttemptOutcome { kDelivered, kRetry, kFailed };
  Status record_attempt(std::int64_t alert_id, AttemptOutcome outcome, TimePoint at, TimePoint next_attempt,
                        std::optional<std::int64_t> http_status, const std::string& error);
  Result<std::vector<AlertRow>> list_alerts(std::int64_t limit);
  Result<std::vector<AlertRow>> list_alerts(const AlertFilter& filter);
  // Puts failed alerts (one by uid, or every failed one) back in the queue, due now.
  Result<std::int64_t> retry_alerts(const std::optional<std::string>& uid, TimePoint now);
  struct AlertCounts {
    std::string destination;
    std::int64_t pending = 0, delivered = 0, failed = 0;
  };
  Result<std::vector<AlertCounts>> alert_counts();

  // API keys. create_api_key returns the key, which exists nowhere else afterwards.
  Result<std::string> create_api_key(const std::string& name, const std::string& role, TimePoint now);
  Result<std::vector<ApiKeyRow>> list_api_keys();
  Status revoke_api_key(const std::string& name, TimePoint now);
  // The active key `key` is, if any (and marks it used, at most once a minute).
  Result<std::optional<ApiKeyRow>> authenticate_api_key(const std::string& key, TimePoint now);
  // The key with this id, unless revoked (a dashboard session checks its key on every request).
  Result<std::optional<ApiKeyRow>> find_active_api_key(std::int64_t id);

  // An explicit transaction; every multi-row write goes in one. Rolls back unless
  // commit() succeeded.
  class Transaction {
   public:
    explicit Transaction(Registry& reg);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    const Status& begun() const { return begun_; }
    Status commit();

   private:
    Registry& reg_;
    Status begun_;
    bool done_ = false;
  };

 private:
  struct Impl;
  explicit Registry(std::unique_ptr<Impl> impl);
  // The id of the copy a filter names (none if no filter); NotFound if no such copy.
  Result<std::optional<std::int64_t>> filter_copy_id(const std::optional<std::string>& name);
  std::unique_ptr<Impl> impl_;
};

}  // namespace canarytrap
