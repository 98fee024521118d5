#include "canarytrap/scan/attribution.h"

#include <algorithm>
#include <cmath>

namespace canarytrap {

Result<AttributionFacts> AttributionFacts::load(Registry& registry) {
  AttributionFacts f;
  auto copies = registry.list_copies();
  if (!copies) return copies.status();
  for (auto& c : *copies) f.copies.emplace(c.id, c);
  CT_RETURN_IF_ERROR(registry.for_each_membership([&](const CopyMembership& m) { f.add(m); }));
  return f;
}

void AttributionFacts::add(const CopyMembership& m) {
  by_copy[m.copy_id].push_back({to_unix_micros(m.planted_at), m.canary_id});
  if (m.retired_at) retired[m.copy_id][m.canary_id] = *m.retired_at;
  if (m.target_rows) rows[m.copy_id] = std::max(rows[m.copy_id], *m.target_rows);
  const auto id = static_cast<std::size_t>(m.canary_id);
  if (single_.size() <= id) single_.resize(std::max(id + 1, single_.size() * 2), 0);
  const auto copy = static_cast<std::uint32_t>(m.copy_id);
  if (single_[id] == 0) {
    single_[id] = copy;
  } else if (single_[id] != copy) {
    auto& list = several_[m.canary_id];
    if (single_[id] != kSeveral) list.push_back(single_[id]);
    if (std::find(list.begin(), list.end(), m.copy_id) == list.end()) list.push_back(m.copy_id);
    single_[id] = kSeveral;
  }
}

std::vector<std::int64_t> AttributionFacts::copies_of(std::int64_t canary) const {
  const auto id = static_cast<std::size_t>(canary);
  if (canary <= 0 || id >= single_.size() || single_[id] == 0) return {};
  if (single_[id] != kSeveral) return {single_[id]};
  return several_.at(canary);
}

namespace {

// What a copy is expected to hold: (canary, planted time), by canary. Its own canaries not retired, and
// its parent's planted before the derivation (and not retired by then), up the lineage.
std::vector<std::pair<std::int64_t, TimePoint>> expected_of(const AttributionFacts& f, std::int64_t copy) {
  std::vector<std::pair<std::int64_t, TimePoint>> out;
  std::optional<TimePoint> limit;  // only canaries planted before this (the derivation time)
  std::set<std::int64_t> visited;
  for (std::optional<std::int64_t> c = copy; c && visited.insert(*c).second;) {
    if (auto it = f.by_copy.find(*c); it != f.by_copy.end()) {
      const auto retired = f.retired.find(*c);
      for (const auto& member : it->second) {
        const TimePoint planted = from_unix_micros(member.planted_micros);
        std::optional<TimePoint> retired_at;
        if (retired != f.retired.end()) {
          if (auto r = retired->second.find(member.canary); r != retired->second.end()) retired_at = r->second;
        }
        if (limit) {
          // Inherited: planted before the derivation, and still there at that time.
          if (planted >= *limit || (retired_at && *retired_at <= *limit)) continue;
        } else if (retired_at) {
          continue;  // unplanted from this copy: no longer expected in it
        }
        out.emplace_back(member.canary, planted);
      }
    }
    auto row = f.copies.find(*c);
    if (row == f.copies.end() || !row->second.parent_copy_id || !row->second.derived_at) break;
    limit = limit ? std::min(*limit, *row->second.derived_at) : *row->second.derived_at;
    c = row->second.parent_copy_id;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end(), [](const auto& x, const auto& y) { return x.first == y.first; }),
            out.end());
  return out;
}

std::optional<std::int64_t> rows_of(const AttributionFacts& f, std::int64_t copy) {
  std::set<std::int64_t> visited;
  for (std::optional<std::int64_t> c = copy; c && visited.insert(*c).second;) {
    if (auto it = f.rows.find(*c); it != f.rows.end()) return it->second;
    auto row = f.copies.find(*c);
    if (row == f.copies.end()) break;
    c = row->second.parent_copy_id;  // a derived copy without plants of its own: as large as its parent
  }
  return std::nullopt;
}

std::string name_of(const AttributionFacts& f, std::int64_t copy) {
  auto it = f.copies.find(copy);
  return it == f.copies.end() ? "?" : it->second.name;
}

std::string percent(double p) {
  char buf[32];
  if (p < 0.0001 && p > 0) {
    std::snprintf(buf, sizeof buf, "%.1e", p);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f%%", p * 100);
  }
  return buf;
}

}  // namespace

Attribution attribute(const AttributionFacts& f, const std::set<std::int64_t>& found, std::uint64_t file_lines) {
  Attribution a;
  a.canaries_found = static_cast<std::int64_t>(found.size());
  std::map<std::int64_t, std::vector<std::int64_t>> holders;  // found canary -> its copies
  for (std::int64_t id : found) {
    holders[id] = f.copies_of(id);
    if (holders[id].empty()) a.unknown.push_back(id);
  }

  if (found.empty()) {
    for (const auto& [id, row] : f.copies) {
      Attribution::NoneFound n;
      n.copy = row.name;
      n.canaries = static_cast<std::int64_t>(expected_of(f, id).size());
      n.rows = rows_of(f, id);
      if (n.canaries == 0) continue;
      n.fraction = n.rows && *n.rows > 0 ? std::min(1.0, static_cast<double>(file_lines) / static_cast<double>(*n.rows))
                                         : 0.0;
      n.probability = std::pow(1.0 - n.fraction, static_cast<double>(n.canaries));
      a.none_found.push_back(n);
    }
    a.verdict = "no canary found";
    if (!a.none_found.empty()) {
      const auto best = std::min_element(a.none_found.begin(), a.none_found.end(),
                                         [](const auto& x, const auto& y) { return x.probability < y.probability; });
      a.verdict += "; were this file a sample of copy '" + best->copy + "' (about " + percent(best->fraction) +
                   " of its rows), finding none would have had a probability of " + percent(best->probability);
    }
    return a;
  }

  for (const auto& [id, row] : f.copies) {
    const auto e = expected_of(f, id);
    CopyEvidence ev;
    ev.copy = row.name;
    if (row.parent_copy_id) ev.parent = name_of(f, *row.parent_copy_id);
    ev.expected = static_cast<std::int64_t>(e.size());
    std::map<TimePoint, std::int64_t> planted, found_at;
    for (const auto& [canary, at] : e) {
      ++planted[at];
      if (found.count(canary)) {
        ++ev.found;
        ++found_at[at];
      }
    }
    std::int64_t known_found = 0;
    for (const auto& [id2, cs] : holders) {
      if (cs.empty()) continue;
      ++known_found;
      const bool own = std::find(cs.begin(), cs.end(), id) != cs.end();
      ev.own_found += own;
      ev.exclusive_found += own && cs.size() == 1;
    }
    if (ev.found == 0) continue;
    ev.explains_all = ev.found == known_found;
    ev.planted.assign(planted.begin(), planted.end());
    ev.found_at.assign(found_at.begin(), found_at.end());
    a.copies.push_back(std::move(ev));
  }
  std::sort(a.copies.begin(), a.copies.end(), [](const CopyEvidence& x, const CopyEvidence& y) {
    if (x.explains_all != y.explains_all) return x.explains_all;
    if (x.own_found != y.own_found) return x.own_found > y.own_found;
    if (x.found != y.found) return x.found > y.found;
    return x.copy < y.copy;
  });

  std::vector<const CopyEvidence*> explaining;
  for (const auto& c : a.copies) {
    if (c.explains_all) explaining.push_back(&c);
  }
  const CopyEvidence* chosen = nullptr;
  if (!explaining.empty()) {
    const std::int64_t best_own = explaining.front()->own_found;
    std::vector<const CopyEvidence*> tied;
    for (const auto* c : explaining) {
      if (c->own_found == best_own) tied.push_back(c);
    }
    if (tied.size() == 1 && best_own > 0) chosen = tied.front();
    for (const auto* c : tied) a.candidates.push_back(c->copy);
  } else {
    for (const auto& c : a.copies) a.candidates.push_back(c.copy);
  }

  if (chosen) {
    a.copy = chosen->copy;
    a.candidates.clear();
    std::string why = std::to_string(chosen->found) + " of its " + std::to_string(chosen->expected) + " canaries";
    if (chosen->exclusive_found > 0) why += ", " + std::to_string(chosen->exclusive_found) + " planted nowhere else";
    if (chosen->found > chosen->own_found && chosen->parent) {
      why += ", " + std::to_string(chosen->found - chosen->own_found) + " inherited from '" + *chosen->parent + "'";
    }
    a.verdict = "this file is a sample of copy '" + chosen->copy + "' (" + why + ")";
    // Dating.
    std::int64_t found_total = 0, expected_by_then = 0;
    for (const auto& [at, n] : chosen->found_at) {
      a.after = at;
      found_total += n;
    }
    for (const auto& [at, n] : chosen->planted) {
      if (at <= *a.after) {
        expected_by_then += n;
      } else if (!a.before) {
        a.before = at;
        a.absent_later = n;
      }
    }
    a.sample_fraction = expected_by_then > 0 ? static_cast<double>(found_total) / static_cast<double>(expected_by_then) : 0;
    if (a.before) {
      a.absence_by_chance = std::pow(1.0 - std::min(1.0, a.sample_fraction), static_cast<double>(a.absent_later));
    }
  } else if (!explaining.empty()) {
    a.verdict = "the canaries found are held by several copies alike: ";
    for (std::size_t i = 0; i < a.candidates.size(); ++i) a.verdict += (i ? ", '" : "'") + a.candidates[i] + "'";
  } else {
    a.verdict = "no single copy holds every canary found (a merge of copies?): ";
    for (std::size_t i = 0; i < a.copies.size(); ++i) {
      a.verdict += (i ? ", '" : "'") + a.copies[i].copy + "' " + std::to_string(a.copies[i].found);
    }
  }
  return a;
}

}  // namespace canarytrap
