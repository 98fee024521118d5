// The registry's bulk writes and look-ups for plants of many canaries (Registry::
// triggers_taken, fingerprints_taken, insert_canaries, insert_placements): several rows per
// INSERT statement, look-ups in key order inside one read transaction.
#include <algorithm>
#include <string>

#include "canarytrap/store/registry.h"
#include "registry_impl.h"
#include "sqlite.h"

namespace canarytrap {

namespace {

// Indexes of `items` ordered by `key(item)`.
template <typename T, typename Key>
std::vector<std::size_t> key_order(const std::vector<T>& items, Key key) {
  std::vector<std::size_t> order(items.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return key(items[a]) < key(items[b]); });
  return order;
}

}  // namespace

namespace {

// One read transaction around many look-ups on a connection outside a write transaction:
// each statement would otherwise begin and end its own (a WAL read lock and a file check each).
class ReadScope {
 public:
  explicit ReadScope(const sqlite::Db& db) : db_(db), own_(sqlite3_get_autocommit(db.get()) != 0) {
    if (own_) own_ = db_.exec("BEGIN").ok();
  }
  ~ReadScope() {
    if (own_) (void)db_.exec("COMMIT");
  }
  ReadScope(const ReadScope&) = delete;
  ReadScope& operator=(const ReadScope&) = delete;

 private:
  const sqlite::Db& db_;
  bool own_;
};

// Whether a count query `st` answers more than 0 for each value, asked in the order of their
// normalized values in one read transaction; bind(st, value) binds a value's parameters.
template <typename T, typename Bind>
Result<std::vector<bool>> count_each(const sqlite::Db& db, sqlite::Stmt& st, const std::vector<const T*>& values,
                                     Bind bind) {
  ReadScope read(db);
  std::vector<bool> taken(values.size());
  for (std::size_t i : key_order(values, [](const T* v) -> const std::string& { return v->normalized; })) {
    bind(st, *values[i]);
    auto row = st.step();
    taken[i] = row && *row && st.int64(0) > 0;
    st.reset();
    if (!row) return row.status();
  }
  return taken;
}

}  // namespace

Result<std::vector<bool>> Registry::triggers_taken(const std::vector<const TriggerValue*>& values) {
  return count_each(impl_->db, impl_->trigger_taken, values,
                    [](sqlite::Stmt& st, const TriggerValue& t) { st.bind(1, t.token); });
}

Result<std::vector<bool>> Registry::fingerprints_taken(const std::vector<const FingerprintValue*>& values) {
  return count_each(impl_->db, impl_->find_fingerprint, values,
                    [](sqlite::Stmt& st, const FingerprintValue& f) { st.bind(1, f.kind).bind(2, f.normalized); });
}

namespace {

// Bulk inserts write up to kRowsPerInsert rows per statement (INSERT ... VALUES (...),
// (...), ...): stepping, resetting and re-binding one statement per row cost about as much
// as SQLite's B-tree work for the row.
constexpr std::size_t kRowsPerInsert = 64;

// Inserts `rows` rows of `columns` values: `head` is "INSERT INTO t (a, b)"; bind_row(st, row,
// first) binds row `row`'s values at parameters first, first + 1, ...
template <typename BindRow>
Status insert_rows(const sqlite::Db& db, std::string_view head, int columns, std::size_t rows, BindRow bind_row) {
  const auto sql_for = [&](std::size_t n) {
    std::string one = "(?";
    for (int c = 1; c < columns; ++c) one += ", ?";
    one += ')';
    std::string sql(head);
    sql += " VALUES ";
    for (std::size_t r = 0; r < n; ++r) {
      if (r > 0) sql += ", ";
      sql += one;
    }
    return sql;
  };
  sqlite::Stmt full;
  for (std::size_t at = 0; at < rows; at += kRowsPerInsert) {
    const std::size_t n = std::min(kRowsPerInsert, rows - at);
    sqlite::Stmt tail;
    sqlite::Stmt* st = &full;
    if (n < kRowsPerInsert || full.get() == nullptr) {
      auto prepared = sqlite::Stmt::prepare(db, sql_for(n));
      if (!prepared) return prepared.status();
      if (n == kRowsPerInsert) {
        full = std::move(*prepared);
      } else {
        tail = std::move(*prepared);
        st = &tail;
      }
    }
    for (std::size_t r = 0; r < n; ++r) bind_row(*st, at + r, static_cast<int>(r) * columns + 1);
    CT_RETURN_IF_ERROR(st->run());
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<std::int64_t>> Registry::insert_canaries(const std::vector<NewCanary>& canaries) {
  if (sqlite3_get_autocommit(impl_->db.get()) != 0) return Status::Internal("insert_canaries outside a transaction");
  const sqlite::Db& db = impl_->db;
  // Ids given, not drawn: the write transaction holds the registry, so nobody else takes them.
  auto last = db.query_int("SELECT coalesce(max(id), 0) FROM canary");
  if (!last) return last.status();
  for (const NewCanary& c : canaries) CT_RETURN_IF_ERROR(check_tokens(c));
  std::vector<std::int64_t> ids(canaries.size());
  for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = *last + 1 + static_cast<std::int64_t>(i);
  CT_RETURN_IF_ERROR(insert_rows(db, "INSERT INTO canary (id, kind, copy_id, locale, memo, created_at)", 6,
                                 canaries.size(), [&](sqlite::Stmt& st, std::size_t i, int p) {
                                   const NewCanary& c = canaries[i];
                                   st.bind(p, ids[i]).bind_ref(p + 1, canary_kind_name(c.kind)).bind(p + 2, c.copy_id);
                                   if (c.locale.empty()) {
                                     st.bind_null(p + 3);
                                   } else {
                                     st.bind_ref(p + 3, c.locale);
                                   }
                                   st.bind_ref(p + 4, c.memo).bind(p + 5, to_unix_micros(c.created_at));
                                 }));
  struct Ref {
    std::size_t canary;
    std::size_t value;
  };
  std::vector<Ref> triggers, fingerprints;
  for (std::size_t c = 0; c < canaries.size(); ++c) {
    for (std::size_t v = 0; v < canaries[c].triggers.size(); ++v) triggers.push_back({c, v});
    for (std::size_t v = 0; v < canaries[c].fingerprints.size(); ++v) fingerprints.push_back({c, v});
  }
  const auto fingerprint = [&](const Ref& r) -> const FingerprintValue& {
    return canaries[r.canary].fingerprints[r.value];
  };
  // Triggers in canary order: a canary's own trigger is its first (CanaryRow::primary).
  CT_RETURN_IF_ERROR(insert_rows(db, "INSERT INTO trigger_value (canary_id, channel, value, normalized, token)", 5,
                                 triggers.size(), [&](sqlite::Stmt& st, std::size_t i, int p) {
                                   const TriggerValue& t = canaries[triggers[i].canary].triggers[triggers[i].value];
                                   st.bind(p, ids[triggers[i].canary]).bind_ref(p + 1, channel_name(t.channel));
                                   st.bind_ref(p + 2, t.value).bind_ref(p + 3, t.normalized).bind_ref(p + 4, t.token);
                                 }));
  // Fingerprints in canary order too: their canary_id index is then appended to. (In the
  // order of their values, the value index gained less than the canary index lost: 0.95 s
  // against 0.60 s for 100,000 people, and about even in a registry of 900,000.)
  CT_RETURN_IF_ERROR(insert_rows(db, "INSERT INTO fingerprint (canary_id, kind, normalized)", 3, fingerprints.size(),
                                 [&](sqlite::Stmt& st, std::size_t i, int p) {
                                   const Ref& r = fingerprints[i];
                                   const FingerprintValue& f = fingerprint(r);
                                   st.bind(p, ids[r.canary]).bind_ref(p + 1, f.kind).bind_ref(p + 2, f.normalized);
                                 }));
  CT_RETURN_IF_ERROR(impl_->bump_needles.run());
  return ids;
}

Status Registry::insert_placements(const std::vector<NewPlacement>& placements) {
  return insert_rows(impl_->db,
                     "INSERT INTO placement (canary_id, copy_id, target, table_name, row_key, planted_at, target_rows)", 7,
                     placements.size(), [&](sqlite::Stmt& st, std::size_t i, int p) {
                       const NewPlacement& x = placements[i];
                       st.bind(p, x.canary_id).bind(p + 1, x.copy_id).bind_ref(p + 2, x.target);
                       st.bind_ref(p + 3, x.table_name).bind_ref(p + 4, x.row_key);
                       st.bind(p + 5, to_unix_micros(x.planted_at)).bind(p + 6, x.target_rows);
                     });
}

}  // namespace canarytrap
