#include "canarytrap/plant/planter.h"

#include <cctype>
#include <chrono>
#include <cmath>
#include <future>
#include <memory>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "canarytrap/core/normalize.h"
#include "canarytrap/core/trigger_values.h"
#include "canarytrap/core/value_mark.h"
#include "dates.h"
#include "time_order.h"
#include "value_marks.h"

namespace canarytrap {

Result<std::int64_t> canaries_for_sample(double fraction, double confidence) {
  if (!(fraction > 0 && fraction < 1)) return Status::InvalidArgument("--sample-fraction must be between 0 and 1 (exclusive)");
  if (!(confidence > 0 && confidence < 1)) return Status::InvalidArgument("--confidence must be between 0 and 1 (exclusive)");
  return static_cast<std::int64_t>(std::ceil(std::log1p(-confidence) / std::log1p(-fraction)));
}

namespace {

constexpr int kMaxDraws = 64;

// Whether a planted row carries its person's name: whole, or as a first and a last name in
// columns of their own (the scanner joins the two: "mary smith|19850309" either way).
bool carries_name(const MappingPlan& plan) {
  return plan.has_field(PersonField::kName) ||
         (plan.has_field(PersonField::kFirstName) && plan.has_field(PersonField::kLastName));
}

// The passive values of a person that a planted row carries, normalized for the scanner.
std::vector<FingerprintValue> fingerprints_of(const Person& p, const MappingPlan& plan) {
  std::vector<FingerprintValue> out;
  const auto add = [&](bool carried, std::string_view kind, std::string_view value) {
    if (!carried || value.empty()) return;
    auto n = normalize_fingerprint(kind, value);
    if (n) out.push_back({std::string(kind), *n});
  };
  add(plan.has_field(PersonField::kIdNumber), "id_number", p[PersonField::kIdNumber]);
  add(plan.has_field(PersonField::kPhone), "phone", p[PersonField::kPhone]);
  add(plan.has_field(PersonField::kSsn), "ssn", p[PersonField::kSsn]);
  add(plan.has_field(PersonField::kCardNumber), "card", p[PersonField::kCardNumber]);
  // The e-mail address and photo URL are trigger values already; the scanner reads both.
  // A name written in pinyin is looked for in pinyin (the scanner takes "ZHANG JIAYI" and
  // "Jiayi Zhang" alike).
  const bool pinyin = std::any_of(plan.columns.begin(), plan.columns.end(), [](const ColumnPlan& c) {
    return c.kind == ColumnPlan::Kind::kField && c.pinyin.has_value();
  });
  add(carries_name(plan) && plan.has_field(PersonField::kBirthDate), "name_dob",
      (pinyin && !p.family_latin.empty() ? p.given_latin + " " + p.family_latin : p[PersonField::kName]) + "|" +
          p[PersonField::kBirthDate]);
  return out;
}

// This plant's values already drawn, as 64-bit hashes (a rare false clash only costs a
// redraw): the registry connection that checks values cannot see the batches a plant has
// written but not yet committed.
std::uint64_t value_key(std::string_view kind, std::string_view normalized) {
  return std::hash<std::string_view>()(normalized) ^ (std::hash<std::string_view>()(kind) * 0x9E3779B97F4A7C15ull);
}

bool carries_a_canary_value(const MappingPlan& plan) {
  for (PersonField f : {PersonField::kEmail, PersonField::kPhotoUrl, PersonField::kIdNumber, PersonField::kPhone,
                        PersonField::kSsn, PersonField::kCardNumber}) {
    if (plan.has_field(f)) return true;
  }
  return carries_name(plan) && plan.has_field(PersonField::kBirthDate);
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

// Codes numbered in sequence continue past the table's largest, not the sample's (1,000
// rows, which seldom hold it): its largest value's last number, where it ends with one; and as
// many numbers are wanted past it as rows are planted.
Status learn_largest_numbers(MappingPlan& plan, Target& target, std::int64_t count) {
  for (std::size_t c = 0; c < plan.columns.size(); ++c) {
    if (!plan.unique_cell(c)) continue;
    ColumnProfile& profile = plan.columns[c].profile;
    profile.numbers_wanted = static_cast<std::uint64_t>(count);
    auto largest = target.largest(c);
    if (!largest) return largest.status();
    if (!*largest) continue;
    if (const auto n = trailing_number(**largest)) profile.last_number = std::max(profile.last_number, *n);
  }
  return Status::Ok();
}

// Dates that grow with the table's order: a database adds rows after its newest, so they
// continue from the newest the table holds (asked of it where the form sorts as text, year
// first; a sample seldom holds the newest); a file gets each row where its dates sort.
Status place_in_time(MappingPlan& plan, Target& target, bool database) {
  for (std::size_t c = 0; c < plan.columns.size(); ++c) {
    ColumnPlan& col = plan.columns[c];
    if (!col.grows) continue;
    if (!database) {
      target.place_by_date(c, col.profile.date_format, col.newest_first);
      return Status::Ok();  // one column orders a file
    }
    if (col.profile.date_format.rfind("%Y", 0) != 0) continue;
    auto largest = target.largest(c);
    if (!largest) return largest.status();
    if (!*largest) continue;
    if (const auto t = table_dates::date_seconds(**largest, col.profile.date_format.c_str())) {
      col.newest = std::max(col.newest, *t);
    }
  }
  return Status::Ok();
}

// The cells of unique profiled columns (a code, a UUID, a composite key's part) in rows
// [from, end): none may equal another planted row's or one of the target's. Clashing cells
// are drawn again, from wider ranges each round; `taken` holds the plant's values so far.
Status draw_unique_cells(const MappingPlan& plan, Target& target, std::vector<TableRow>& rows, std::size_t from,
                         std::vector<std::unordered_set<std::string>>& taken, FastRng& rng) {
  for (std::size_t c = 0; c < plan.columns.size(); ++c) {
    if (!plan.unique_cell(c)) continue;
    std::vector<std::size_t> suspects;
    for (std::size_t r = from; r < rows.size(); ++r) suspects.push_back(r);
    for (int round = 0;; ++round) {
      std::vector<std::size_t> clash;
      std::unordered_map<std::string_view, std::size_t> candidates;  // value -> row
      for (std::size_t r : suspects) {
        const Cell& v = rows[r][c];
        if (!v || v->empty()) continue;  // NULLs do not clash
        if (taken[c].contains(*v) || !candidates.emplace(*v, r).second) clash.push_back(r);
      }
      std::vector<std::string> values;
      values.reserve(candidates.size());
      for (const auto& [v, r] : candidates) values.emplace_back(v);
      auto found = target.existing(c, values);
      if (!found) return found.status();
      for (const auto& v : *found) {
        const auto it = candidates.find(v);
        if (it == candidates.end()) continue;
        clash.push_back(it->second);
        candidates.erase(it);
      }
      for (const auto& [v, r] : candidates) taken[c].emplace(v);
      if (clash.empty()) break;
      if (round == kMaxDraws) {
        return Status::AlreadyExists("column '" + plan.columns[c].column.name +
                                     "': cannot draw values that no row of the target holds; use --map");
      }
      for (std::size_t r : clash) rows[r][c] = plan.draw_unique(c, rng, round + 1);
      suspects = std::move(clash);
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
  auto plan = plan_columns(*sample, req.locale, req.maps,
                           std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(clock.now())});
  if (!plan) return plan.status();
  CT_RETURN_IF_ERROR(learn_largest_numbers(*plan, **target, req.count));
  const bool database =
      uri->kind == TargetKind::kSqlite || uri->kind == TargetKind::kPostgres || uri->kind == TargetKind::kMysql;
  CT_RETURN_IF_ERROR(place_in_time(*plan, **target, database));
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
  options.today_year = plan->today_year;  // ages and births as of the plant's date
  options.today_month = plan->today_month;
  options.today_day = plan->today_day;
  options.birth_days = plan->birth_days;  // canaries of the table's people's ages
  options.regions = plan->regions;        // and places
  options.male_share = plan->male_share;  // and men and women
  options.ethnicities = plan->ethnicities;  // and ethnic groups
  options.turkic_names = plan->turkic_names;  // and their names
  options.tibetan_names = plan->tibetan_names;
  auto gen = PersonGenerator::create(req.locale, options);
  if (!gen) return gen.status();
  FastRng rng = FastRng::make(req.seed ? std::optional(*req.seed + 1) : std::nullopt);
  auto mark_key = reg.value_mark_key();
  if (!mark_key) return mark_key.status();
  const ValueMark mark(*mark_key);
  const TriggerMinter minter({settings.zone, settings.mail_domains, settings.url_scheme, *mark_key});
  // A person old enough for the table's dates (MappingPlan::old_enough), whose values carry
  // the registry's mark (value_marks.h) unless `marked` is false or kMaxDraws people could not
  // be marked (the scanner finds unmarked ones too). A table none of the generator's ages fits
  // (rows dated 1950, registered at 18) gets the last one drawn: a canary that an age check
  // would single out beats no canary.
  const auto draw_person = [&](Person& p, bool marked) {
    for (int i = 0; i < kMaxDraws; ++i) {
      (*gen)->next(p);
      for (int tries = 1; marked && !mark_person(p, req.locale, mark, rng) && tries < kMaxDraws; ++tries) (*gen)->next(p);
      if (plan->old_enough(p)) return;
    }
  };
  const bool email_trigger = plan->has_field(PersonField::kEmail);
  const bool url_trigger = plan->has_field(PersonField::kPhotoUrl);

  Person person;
  if (req.dry_run) {
    for (std::int64_t i = 0; i < std::min<std::int64_t>(req.count, 3); ++i) {
      draw_person(person, true);
      if (url_trigger) person[PersonField::kPhotoUrl] = minter.http()[0].value;
      report.rows.push_back(plan->fill(person, rng));
      CT_RETURN_IF_ERROR(check_fits(*plan, report.rows.back()));
    }
    if (database) date_as_newest_rows(*plan, report.rows, to_unix_micros(clock.now()) / 1'000'000, rng);
    // Sample rows as a plant would write them: no value a row of the target holds already.
    std::vector<std::unordered_set<std::string>> taken(plan->columns.size());
    CT_RETURN_IF_ERROR(draw_unique_cells(*plan, **target, report.rows, 0, taken, rng));
    return report;
  }

  using Steady = std::chrono::steady_clock;
  const auto since = [](Steady::time_point t) { return std::chrono::duration<double>(Steady::now() - t).count(); };
  auto phase = Steady::now();
  const TimePoint now = clock.now();
  // Values are checked against the registry on a second connection, opened before the
  // write transaction begins, while the plant's own connection writes the previous batch on
  // another thread: the writes are most of a plant's time.
  Registry::OpenOptions check_options;
  check_options.cache_mib = 16;
  auto checker = Registry::open(reg.path(), check_options);
  if (!checker) return checker.status();
  Registry::Transaction tx(reg);
  CT_RETURN_IF_ERROR(tx.begun());
  auto copy = reg.ensure_copy(req.copy, now);
  if (!copy) return copy.status();

  // Columns whose values identify one person: a canary must not repeat a real one's (nor
  // another canary's in the same batch), or a leak of that person would look like a canary.
  std::vector<std::size_t> identifying;
  for (std::size_t c = 0; c < plan->columns.size(); ++c) {
    const ColumnPlan& col = plan->columns[c];
    if (col.kind != ColumnPlan::Kind::kField) continue;
    for (PersonField f : {PersonField::kIdNumber, PersonField::kPhone, PersonField::kSsn, PersonField::kCardNumber,
                          PersonField::kEmail}) {
      if (col.field == f) identifying.push_back(c);
    }
  }

  // People are drawn a batch at a time and checked together, each check in key order: the
  // batch's values among themselves, against the target's rows, and against the registry
  // (an ID, phone, SSN or card number names one canary; an e-mail address is one trigger).
  // Whoever clashes is drawn again and only they are checked again.
  constexpr std::int64_t kBatch = 10'000;
  std::vector<Person> people;
  std::vector<NewCanary> batch;
  std::unordered_set<std::uint64_t> drawn;  // this plant's values so far (value_key)
  std::vector<std::unordered_set<std::string>> unique_cells(plan->columns.size());  // draw_unique_cells
  // Up to an ID or SSN, a phone, a card and an e-mail address per person: sized once, not
  // rehashed 20 times over a plant.
  drawn.reserve(static_cast<std::size_t>(std::min<std::int64_t>(req.count, 10'000'000)) * 4);
  // The batch being written on the other thread. Declared after `tx`: leaving early waits for
  // it (a std::async future's destructor does) before the transaction rolls back.
  std::future<Result<std::vector<std::int64_t>>> writing;
  const auto written = [&]() -> Status {
    if (!writing.valid()) return Status::Ok();
    auto ids = writing.get();
    if (!ids) return ids.status();
    report.canary_ids.insert(report.canary_ids.end(), ids->begin(), ids->end());
    return Status::Ok();
  };
  for (std::int64_t done = 0; done < req.count; done += kBatch) {
    people.assign(static_cast<std::size_t>(std::min(kBatch, req.count - done)), Person());
    std::vector<std::size_t> suspects(people.size());
    for (std::size_t i = 0; i < people.size(); ++i) {
      draw_person(people[i], true);
      suspects[i] = i;
    }
    // Each person's fingerprints, computed when they are drawn and kept for their canary.
    std::vector<std::vector<FingerprintValue>> prints(people.size());
    for (int round = 0;; ++round) {
      std::set<std::size_t> clash;
      for (const std::size_t column : identifying) {
        // As the column will hold them: in its neighbours' form (+86 138 0000 0001).
        std::vector<std::string> cells(people.size());
        for (std::size_t i = 0; i < people.size(); ++i) cells[i] = plan->field_cell(column, people[i]).value_or("");
        std::unordered_map<std::string_view, std::size_t> seen;
        seen.reserve(people.size());
        for (std::size_t i = 0; i < people.size(); ++i) {
          if (!seen.emplace(cells[i], i).second) clash.insert(i);
        }
        std::vector<std::string> values;
        for (std::size_t i : suspects) values.push_back(cells[i]);
        auto found = (*target)->existing(column, values);
        if (!found) return found.status();
        for (const auto& v : *found) {
          if (const auto it = seen.find(v); it != seen.end()) clash.insert(it->second);
        }
      }
      std::vector<TriggerValue> emails;
      std::vector<const FingerprintValue*> print_refs;
      std::vector<std::size_t> print_owner, email_owner;
      emails.reserve(suspects.size());
      for (std::size_t s = 0; s < suspects.size(); ++s) {
        prints[suspects[s]] = fingerprints_of(people[suspects[s]], *plan);
        if (email_trigger) {
          const std::string normalized = ascii_lower(people[suspects[s]][PersonField::kEmail]);
          emails.push_back({Channel::kSmtp, {}, normalized, normalized});  // checked by token
          email_owner.push_back(suspects[s]);
        }
      }
      for (std::size_t s = 0; s < suspects.size(); ++s) {
        for (const auto& f : prints[suspects[s]]) {
          if (f.kind == "name_dob") continue;  // two people may share a name and birthday
          print_refs.push_back(&f);
          print_owner.push_back(suspects[s]);
        }
      }
      auto prints_taken = (*checker)->fingerprints_taken(print_refs);
      if (!prints_taken) return prints_taken.status();
      for (std::size_t i = 0; i < print_refs.size(); ++i) {
        if ((*prints_taken)[i] || drawn.contains(value_key(print_refs[i]->kind, print_refs[i]->normalized))) {
          clash.insert(print_owner[i]);
        }
      }
      std::vector<const TriggerValue*> email_refs;
      for (const auto& e : emails) email_refs.push_back(&e);
      auto emails_taken = (*checker)->triggers_taken(email_refs);
      if (!emails_taken) return emails_taken.status();
      for (std::size_t i = 0; i < email_refs.size(); ++i) {
        if ((*emails_taken)[i] || drawn.contains(value_key("smtp", email_refs[i]->normalized))) {
          clash.insert(email_owner[i]);
        }
      }
      if (clash.empty()) break;
      if (round == kMaxDraws) {
        return Status::AlreadyExists("cannot draw people whose values neither the target nor the registry holds");
      }
      suspects.assign(clash.begin(), clash.end());
      // Marked values are a sixteenth of all: a table whose people share a birth date and a
      // place (a test's, an institution's) may hold fewer marked IDs than canaries wanted. The
      // second half of the rounds draws unmarked values, which the scanner keeps apart
      // (NeedleIndex::marked()).
      for (std::size_t i : suspects) draw_person(people[i], round < kMaxDraws / 2);
    }
    batch.clear();
    for (std::size_t i = 0; i < people.size(); ++i) {
      Person& person = people[i];
      NewCanary nc{CanaryKind::kRecord, copy->id, std::string(locale_name(req.locale)), req.memo, now, {}, {}};
      nc.triggers.reserve(3);
      if (email_trigger) {
        const std::string normalized = ascii_lower(person[PersonField::kEmail]);
        nc.triggers.push_back({Channel::kSmtp, person[PersonField::kEmail], normalized, normalized});
      }
      if (url_trigger) {
        auto http = minter.http();
        person[PersonField::kPhotoUrl] = http[0].value;
        for (auto& t : http) nc.triggers.push_back(std::move(t));
      }
      nc.fingerprints = std::move(prints[i]);  // the photo URL set above is no fingerprint
      batch.push_back(std::move(nc));
      report.rows.push_back(plan->fill(person, rng));
      CT_RETURN_IF_ERROR(check_fits(*plan, report.rows.back()));
    }
    CT_RETURN_IF_ERROR(draw_unique_cells(*plan, **target, report.rows, report.rows.size() - batch.size(), unique_cells, rng));
    // For the next batches' checks (within a batch, `identifying` compared them already).
    for (const NewCanary& nc : batch) {
      for (const auto& f : nc.fingerprints) {
        if (f.kind != "name_dob") drawn.insert(value_key(f.kind, f.normalized));
      }
      for (const auto& t : nc.triggers) {
        if (t.channel == Channel::kSmtp) drawn.insert(value_key("smtp", t.normalized));
      }
    }
    CT_RETURN_IF_ERROR(written());
    // The batch is freed on the writer's thread too: 10,000 people's strings are ~150,000
    // frees, which on this thread held up drawing the next batch.
    writing = std::async(std::launch::async,
                         [&reg, b = std::make_unique<std::vector<NewCanary>>(std::move(batch))]() mutable {
                           auto ids = reg.insert_canaries(*b);
                           b.reset();
                           return ids;
                         });
  }

  if (database) date_as_newest_rows(*plan, report.rows, to_unix_micros(now) / 1'000'000, rng);
  // The target is written while the last batch goes into the registry.
  const auto target_start = Steady::now();
  auto keys = (*target)->insert(report.rows, rng);
  report.target_seconds = since(target_start);
  CT_RETURN_IF_ERROR(written());
  if (!keys) return keys.status();
  report.register_seconds = since(phase) - report.target_seconds;
  report.row_keys = *keys;
  std::vector<NewPlacement> placements;
  placements.reserve(report.canary_ids.size());
  for (std::size_t i = 0; i < report.canary_ids.size(); ++i) {
    placements.push_back({report.canary_ids[i], copy->id, uri->redacted, req.table, (*keys)[i], now,
                          sample->row_count + static_cast<std::int64_t>(report.canary_ids.size())});
  }
  CT_RETURN_IF_ERROR(reg.insert_placements(placements));
  phase = Steady::now();
  CT_RETURN_IF_ERROR((*target)->commit());
  if (Status s = tx.commit(); !s.ok()) {
    // The rows are in the target but not in the registry: take them out again.
    // Only values unique to canaries: profiled cells may equal a real row's.
    std::vector<PlantedRow> planted;
    for (std::size_t r = 0; r < report.rows.size(); ++r) {
      PlantedRow& p = planted.emplace_back();
      p.key = r < report.row_keys.size() ? report.row_keys[r] : "";
      for (std::size_t c = 0; c < plan->columns.size(); ++c) {
        const ColumnPlan& col = plan->columns[c];
        const bool unique_value = col.kind == ColumnPlan::Kind::kField &&
                                  (col.field == PersonField::kEmail || col.field == PersonField::kPhotoUrl ||
                                   col.field == PersonField::kIdNumber);
        if (unique_value && report.rows[r][c]) p.values.push_back(*report.rows[r][c]);
      }
    }
    (void)(*target)->remove(planted);
    (void)(*target)->commit();
    return s.WithContext("registry commit failed; the canary rows were removed from the target again");
  }
  report.commit_seconds = since(phase);
  return report;
}

Result<UnplantReport> unplant(Registry& reg, const std::string& target_uri, const std::string& copy_name,
                              const std::optional<std::string>& table, const Clock& clock, bool retire_missing) {
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
  std::vector<std::int64_t> ids;  // the placements retired
  for (const auto& [table_name, rows] : by_table) {
    auto t = open_target(*uri, table_name);
    if (!t) return t.status();
    std::vector<PlantedRow> planted;
    for (const PlacementRow* p : rows) planted.push_back({p->row_key, p->values});
    auto removal = (*t)->remove(planted);
    if (!removal) return removal.status();
    report.rows_removed += removal->rows_removed;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (removal->found[i] || retire_missing) {
        ids.push_back(rows[i]->id);
      } else {
        ++report.not_found;
      }
    }
    targets.push_back(std::move(*t));
  }
  CT_RETURN_IF_ERROR(reg.retire_placements(ids, clock.now()));
  for (auto& t : targets) CT_RETURN_IF_ERROR(t->commit());
  CT_RETURN_IF_ERROR(tx.commit());
  report.placements = ids.size();
  return report;
}

}  // namespace canarytrap
