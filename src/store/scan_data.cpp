// Registry: what `scan` reads (every needle, every canary's copies with planted times) and
// copy lineage (`copies derive`).
#include <algorithm>
#include <set>
#include <vector>

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
  return st->each([&] { f(ScanNeedle{st->int64(0), st->text(1), st->text(2)}); });
}

Result<std::int64_t> Registry::needles_version() {
  return impl_->db.query_int("SELECT value FROM registry_state WHERE name = 'needles_version'");
}

Result<std::uint64_t> Registry::value_mark_key() {
  auto key = impl_->db.query_int("SELECT value FROM registry_state WHERE name = 'value_mark_key'");
  if (!key) return key.status();
  return static_cast<std::uint64_t>(*key);
}

Result<std::int64_t> Registry::needle_count() {
  return impl_->db.query_int(
      "SELECT (SELECT count(*) FROM trigger_value) + (SELECT count(*) FROM fingerprint)");
}

// Placements first; then canaries minted for a copy and never planted (the anti-join done
// here with a bitmap: as NOT IN it took twice as long as both scans together).
Status Registry::for_each_membership(const std::function<void(const CopyMembership&)>& f) {
  std::vector<bool> placed;  // by canary id
  const auto was_placed = [&](std::int64_t id) {
    return id >= 0 && static_cast<std::size_t>(id) < placed.size() && placed[static_cast<std::size_t>(id)];
  };
  auto placements = sqlite::Stmt::prepare(
      impl_->db, "SELECT canary_id, copy_id, planted_at, retired_at, target_rows FROM placement");
  if (!placements) return placements.status();
  CT_RETURN_IF_ERROR(placements->each([&] {
    CopyMembership m;
    m.canary_id = placements->int64(0);
    m.copy_id = placements->int64(1);
    m.planted_at = from_unix_micros(placements->int64(2));
    if (auto r = placements->optional_int64(3)) m.retired_at = from_unix_micros(*r);
    m.target_rows = placements->optional_int64(4);
    if (m.canary_id >= 0 && !was_placed(m.canary_id)) {
      const auto id = static_cast<std::size_t>(m.canary_id);
      if (placed.size() <= id) placed.resize(std::max(id + 1, placed.size() * 2));
      placed[id] = true;
    }
    f(m);
  }));
  auto minted = sqlite::Stmt::prepare(impl_->db, "SELECT id, copy_id, created_at FROM canary WHERE copy_id IS NOT NULL");
  if (!minted) return minted.status();
  return minted->each([&] {
    CopyMembership m;
    m.canary_id = minted->int64(0);
    if (was_placed(m.canary_id)) return;
    m.copy_id = minted->int64(1);
    m.planted_at = from_unix_micros(minted->int64(2));
    f(m);
  });
}

}  // namespace canarytrap
