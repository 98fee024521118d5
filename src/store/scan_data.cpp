// Registry: what `scan` reads (every needle, every canary's copies with planted times) and
// copy lineage (`copies derive`).
#include <set>

#include "registry_impl.h"
#include "sqlite.h"

namespace canarytrap {

Result<CopyRow> Registry::derive_copy(const std::string& child, const std::string& parent, TimePoint at,
                                      TimePoint now) {
  if (child == parent) return Status::InvalidArgument("a copy cannot be derived from itself");
  Transaction tx(*this);
  CT_RETURN_IF_ERROR(tx.begun());
  auto p = find_copy(parent);
  if (!p) return p.status();
  if (!*p) return Status::NotFound("no copy named '" + parent + "'");
  auto c = ensure_copy(child, now);
  if (!c) return c.status();
  // Walk up from the parent: meeting the child means a loop.
  std::set<std::int64_t> seen;
  std::optional<std::int64_t> up = (*p)->id;
  auto st = sqlite::Stmt::prepare(impl_->db, "SELECT parent_copy_id FROM copy WHERE id = ?1");
  if (!st) return st.status();
  while (up) {
    if (*up == c->id) {
      return Status::InvalidArgument("'" + parent + "' is derived from '" + child + "' already; that would be a loop");
    }
    if (!seen.insert(*up).second) break;
    st->bind(1, *up);
    auto row = st->step();
    if (!row) return row.status();
    up = *row ? st->optional_int64(0) : std::nullopt;
    st->reset();
  }
  auto set = sqlite::Stmt::prepare(impl_->db, "UPDATE copy SET parent_copy_id = ?2, derived_at = ?3 WHERE id = ?1");
  if (!set) return set.status();
  CT_RETURN_IF_ERROR(set->bind(1, c->id).bind(2, (*p)->id).bind(3, to_unix_micros(at)).run());
  CT_RETURN_IF_ERROR(tx.commit());
  c->parent_copy_id = (*p)->id;
  c->derived_at = at;
  return *c;
}

Status Registry::for_each_needle(const std::function<void(ScanNeedle&&)>& f) {
  auto st = sqlite::Stmt::prepare(impl_->db,
                                  "SELECT canary_id, CASE channel WHEN 'smtp' THEN 'email' ELSE 'token' END, token "
                                  "FROM trigger_value UNION ALL SELECT canary_id, kind, normalized FROM fingerprint");
  if (!st) return st.status();
  for (;;) {
    auto row = st->step();
    if (!row) return row.status();
    if (!*row) break;
    f(ScanNeedle{st->int64(0), st->text(1), st->text(2)});
  }
  return Status::Ok();
}

Result<std::int64_t> Registry::needles_version() {
  return impl_->db.query_int("SELECT value FROM registry_state WHERE name = 'needles_version'");
}

Result<std::int64_t> Registry::needle_count() {
  return impl_->db.query_int(
      "SELECT (SELECT count(*) FROM trigger_value) + (SELECT count(*) FROM fingerprint) + "
      "(SELECT count(*) FROM fingerprint WHERE kind = 'name_dob')");
}

Status Registry::for_each_membership(const std::function<void(const CopyMembership&)>& f) {
  auto st = sqlite::Stmt::prepare(
      impl_->db,
      "SELECT canary_id, copy_id, planted_at, retired_at, target_rows FROM placement UNION ALL "
      "SELECT id, copy_id, created_at, NULL, NULL FROM canary WHERE copy_id IS NOT NULL AND id NOT IN "
      "(SELECT canary_id FROM placement)");
  if (!st) return st.status();
  for (;;) {
    auto row = st->step();
    if (!row) return row.status();
    if (!*row) break;
    CopyMembership m;
    m.canary_id = st->int64(0);
    m.copy_id = st->int64(1);
    m.planted_at = from_unix_micros(st->int64(2));
    if (auto r = st->optional_int64(3)) m.retired_at = from_unix_micros(*r);
    m.target_rows = st->optional_int64(4);
    f(m);
  }
  return Status::Ok();
}

}  // namespace canarytrap
