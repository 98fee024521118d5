#include "canarytrap/plant/planter.h"

#include <chrono>
#include <cmath>
#include <map>
#include <set>

#include "canarytrap/core/normalize.h"
#include "canarytrap/core/trigger_values.h"

namespace canarytrap {

Result<std::int64_t> canaries_for_sample(double fraction, double confidence) {
  if (!(fraction > 0 && fraction < 1)) return Status::InvalidArgument("--sample-fraction must be between 0 and 1 (exclusive)");
  if (!(confidence > 0 && confidence < 1)) return Status::InvalidArgument("--confidence must be between 0 and 1 (exclusive)");
  return static_cast<std::int64_t>(std::ceil(std::log1p(-confidence) / std::log1p(-fraction)));
}

namespace {

constexpr int kMaxDraws = 64;

// The passive values of a person that a planted row carries, normalized for the scanner.
std::vector<FingerprintValue> fingerprints_of(const Person& p, const MappingPlan& plan) {
  std::vector<FingerprintValue> out;
  const auto add = [&](PersonField f, std::string_view kind, std::string_view value) {
    if (!plan.has_field(f) || value.empty()) return;
    auto n = normalize_fingerprint(kind, value);
    if (n) out.push_back({std::string(kind), *n});
  };
  add(PersonField::kIdNumber, "id_number", p[PersonField::kIdNumber]);
  add(PersonField::kPhone, "phone", p[PersonField::kPhone]);
  add(PersonField::kSsn, "ssn", p[PersonField::kSsn]);
  add(PersonField::kCardNumber, "card", p[PersonField::kCardNumber]);
  // The e-mail address and photo URL are trigger values already; the scanner reads both.
  if (plan.has_field(PersonField::kName) && plan.has_field(PersonField::kBirthDate)) {
    add(PersonField::kName, "name_dob", p[PersonField::kName] + "|" + p[PersonField::kBirthDate]);
  }
  return out;
}

bool carries_a_canary_value(const MappingPlan& plan) {
  for (PersonField f : {PersonField::kEmail, PersonField::kPhotoUrl, PersonField::kIdNumber, PersonField::kPhone,
                        PersonField::kSsn, PersonField::kCardNumber}) {
    if (plan.has_field(f)) return true;
  }
  return plan.has_field(PersonField::kName) && plan.has_field(PersonField::kBirthDate);
}

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Refuses a row a column cannot hold, naming the column, before anything is written.
Status check_fits(const MappingPlan& plan, const TableRow& row) {
  for (std::size_t i = 0; i < plan.columns.size(); ++i) {
    const ColumnPlan& c = plan.columns[i];
    if (c.kind != ColumnPlan::Kind::kField || !row[i]) continue;
    const std::string& v = *row[i];
    if (c.column.max_length && utf8_length(v) > *c.column.max_length) {
      return Status::InvalidArgument("column '" + c.column.name + "' (" + c.column.declared_type + ") is too short for " +
                                     std::string(field_name(c.field)) + " values like '" + v + "'");
    }
    if (c.column.integer && v.find_first_not_of("0123456789") != std::string::npos) {
      return Status::InvalidArgument("column '" + c.column.name + "' (" + c.column.declared_type + ") cannot hold " +
                                     std::string(field_name(c.field)) + " values like '" + v + "'");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<PlantReport> plant(Registry& reg, const PlantSettings& settings, const PlantRequest& req, const Clock& clock) {
  if (req.count < 1 || req.count > 10'000'000) return Status::InvalidArgument("--count must be between 1 and 10000000");
  if (req.copy.empty()) return Status::InvalidArgument("--copy is required");
  auto uri = parse_target_uri(req.target);
  if (!uri) return uri.status();
  auto target = open_target(*uri, req.table);
  if (!target) return target.status();
  auto sample = (*target)->describe(1000);
  if (!sample) return sample.status();
  auto plan = plan_columns(*sample, req.locale, req.maps);
  if (!plan) return plan.status();
  if (!carries_a_canary_value(*plan)) {
    return Status::InvalidArgument("no column of " + uri->redacted +
                                   " maps to a canary value (email, photo_url, id_number, phone, ssn, card_number, or "
                                   "name with birth_date); name one with --map COLUMN=FIELD");
  }

  PlantReport report;
  report.target = *uri;
  report.plan = *plan;
  report.existing_rows = sample->row_count;

  GeneratorOptions options;
  options.seed = req.seed;
  options.mail_domains = settings.mail_domains;
  auto gen = PersonGenerator::create(req.locale, options);
  if (!gen) return gen.status();
  FastRng rng = FastRng::make(req.seed ? std::optional(*req.seed + 1) : std::nullopt);
  const TriggerMinter minter({settings.zone, settings.mail_domains, settings.url_scheme});
  const bool email_trigger = plan->has_field(PersonField::kEmail);
  const bool url_trigger = plan->has_field(PersonField::kPhotoUrl);

  Person person;
  if (req.dry_run) {
    for (std::int64_t i = 0; i < std::min<std::int64_t>(req.count, 3); ++i) {
      (*gen)->next(person);
      if (url_trigger) person[PersonField::kPhotoUrl] = minter.http()[0].value;
      report.rows.push_back(plan->fill(person, rng));
      CT_RETURN_IF_ERROR(check_fits(*plan, report.rows.back()));
    }
    return report;
  }

  using Steady = std::chrono::steady_clock;
  const auto since = [](Steady::time_point t) { return std::chrono::duration<double>(Steady::now() - t).count(); };
  auto phase = Steady::now();
  const TimePoint now = clock.now();
  Registry::Transaction tx(reg);
  CT_RETURN_IF_ERROR(tx.begun());
  auto copy = reg.ensure_copy(req.copy, now);
  if (!copy) return copy.status();

  // A person whose ID, phone, SSN or card number another canary already has is drawn again:
  // a fingerprint must name one canary.
  const auto draw_fresh = [&](Person& p) -> Status {
    for (int draw = 0; draw < kMaxDraws; ++draw) {
      (*gen)->next(p);
      bool fresh = true;
      for (const auto& f : fingerprints_of(p, *plan)) {
        if (f.kind == "name_dob") continue;  // two people may share a name and birthday
        auto taken = reg.has_fingerprint(f.kind, f.normalized);
        if (!taken) return taken.status();
        fresh = fresh && !*taken;
      }
      if (fresh) return Status::Ok();
    }
    return Status::AlreadyExists("cannot draw a person whose values are not already planted");
  };
  // Columns whose values identify one person: a canary must not repeat a real one's (nor
  // another canary's in the same batch), or a leak of that person would look like a canary.
  std::vector<std::pair<std::size_t, PersonField>> identifying;
  for (std::size_t c = 0; c < plan->columns.size(); ++c) {
    const ColumnPlan& col = plan->columns[c];
    if (col.kind != ColumnPlan::Kind::kField) continue;
    for (PersonField f : {PersonField::kIdNumber, PersonField::kPhone, PersonField::kSsn, PersonField::kCardNumber,
                          PersonField::kEmail}) {
      if (col.field == f) identifying.emplace_back(c, f);
    }
  }

  constexpr std::int64_t kBatch = 10'000;  // people held at once while checking the target
  std::vector<Person> people;
  for (std::int64_t done = 0; done < req.count; done += kBatch) {
    people.assign(static_cast<std::size_t>(std::min(kBatch, req.count - done)), Person());
    for (auto& p : people) CT_RETURN_IF_ERROR(draw_fresh(p));
    for (int round = 0;; ++round) {
      std::set<std::size_t> clash;
      for (const auto& [column, field] : identifying) {
        std::map<std::string, std::size_t> seen;
        std::vector<std::string> values;
        for (std::size_t i = 0; i < people.size(); ++i) {
          const std::string& v = people[i][field];
          if (!seen.emplace(v, i).second) clash.insert(i);
          values.push_back(v);
        }
        auto found = (*target)->existing(column, values);
        if (!found) return found.status();
        for (const auto& v : *found) clash.insert(seen.at(v));
      }
      if (clash.empty()) break;
      if (round == 8) return Status::AlreadyExists("cannot draw people whose values the target does not already hold");
      for (std::size_t i : clash) CT_RETURN_IF_ERROR(draw_fresh(people[i]));
    }
    for (Person& person : people) {
      Result<std::int64_t> id = Status::Internal("not drawn");
      for (int draw = 0; draw < kMaxDraws; ++draw) {
        if (draw > 0) (*gen)->redraw_email(person);
        NewCanary nc{CanaryKind::kRecord, copy->id, std::string(locale_name(req.locale)), req.memo, now, {}, {}};
        if (email_trigger) {
          const std::string normalized = ascii_lower(person[PersonField::kEmail]);
          nc.triggers.push_back({Channel::kSmtp, person[PersonField::kEmail], normalized, normalized});
        }
        if (url_trigger) {
          auto http = minter.http();
          person[PersonField::kPhotoUrl] = http[0].value;
          for (auto& t : http) nc.triggers.push_back(std::move(t));
        }
        nc.fingerprints = fingerprints_of(person, *plan);
        id = reg.insert_canary(nc);
        if (id || id.status().code() != Status::Code::kAlreadyExists) break;
      }
      if (!id) return id.status();
      report.canary_ids.push_back(*id);
      report.rows.push_back(plan->fill(person, rng));
      CT_RETURN_IF_ERROR(check_fits(*plan, report.rows.back()));
    }
  }

  report.register_seconds = since(phase);
  phase = Steady::now();
  auto keys = (*target)->insert(report.rows, rng);
  if (!keys) return keys.status();
  report.target_seconds = since(phase);
  report.row_keys = *keys;
  for (std::size_t i = 0; i < report.canary_ids.size(); ++i) {
    auto placed = reg.insert_placement({report.canary_ids[i], copy->id, uri->redacted, req.table, (*keys)[i], now});
    if (!placed) return placed.status();
  }
  phase = Steady::now();
  CT_RETURN_IF_ERROR((*target)->commit());
  if (Status s = tx.commit(); !s.ok()) {
    // The rows are in the target but not in the registry: take them out again.
    // Only values unique to canaries: profiled cells may equal a real row's.
    std::vector<std::string> values;
    for (const auto& row : report.rows) {
      for (std::size_t c = 0; c < plan->columns.size(); ++c) {
        const ColumnPlan& col = plan->columns[c];
        const bool unique_value = col.kind == ColumnPlan::Kind::kField &&
                                  (col.field == PersonField::kEmail || col.field == PersonField::kPhotoUrl ||
                                   col.field == PersonField::kIdNumber);
        if (unique_value && row[c]) values.push_back(*row[c]);
      }
    }
    (void)(*target)->remove(report.row_keys, values);
    (void)(*target)->commit();
    return s.WithContext("registry commit failed; the canary rows were removed from the target again");
  }
  report.commit_seconds = since(phase);
  return report;
}

Result<UnplantReport> unplant(Registry& reg, const std::string& target_uri, const std::string& copy_name,
                              const std::optional<std::string>& table, const Clock& clock) {
  auto uri = parse_target_uri(target_uri);
  if (!uri) return uri.status();
  auto copy = reg.find_copy(copy_name);
  if (!copy) return copy.status();
  if (!*copy) return Status::NotFound("no copy named '" + copy_name + "'");
  Registry::Transaction tx(reg);
  CT_RETURN_IF_ERROR(tx.begun());
  auto placements = reg.active_placements((*copy)->id, uri->redacted, table);
  if (!placements) return placements.status();
  UnplantReport report;
  if (placements->empty()) return report;

  // Group by table: a database target holds several.
  std::map<std::string, std::vector<const PlacementRow*>> by_table;
  for (const auto& p : *placements) by_table[p.table_name].push_back(&p);
  std::vector<std::unique_ptr<Target>> targets;
  for (const auto& [table_name, rows] : by_table) {
    auto t = open_target(*uri, table_name);
    if (!t) return t.status();
    std::vector<std::string> keys, values;
    for (const PlacementRow* p : rows) {
      keys.push_back(p->row_key);
      values.insert(values.end(), p->values.begin(), p->values.end());
    }
    auto removed = (*t)->remove(keys, values);
    if (!removed) return removed.status();
    report.rows_removed += *removed;
    targets.push_back(std::move(*t));
  }
  std::vector<std::int64_t> ids;
  for (const auto& p : *placements) ids.push_back(p.id);
  CT_RETURN_IF_ERROR(reg.retire_placements(ids, clock.now()));
  for (auto& t : targets) CT_RETURN_IF_ERROR(t->commit());
  CT_RETURN_IF_ERROR(tx.commit());
  report.placements = ids.size();
  return report;
}

}  // namespace canarytrap
