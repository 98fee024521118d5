// canarytrap plant / unplant: canary rows into (and out of) a database table or a data file.
#include <spdlog/spdlog.h>

#include <charconv>
#include <iostream>

#include "canarytrap/plant/planter.h"
#include "command.h"

namespace canarytrap::cli {
namespace {

std::string cell_text(const Cell& c) { return c ? *c : "NULL"; }

std::string fmt_seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3fs", s);
  return buf;
}

class PlantCommand final : public Command {
 public:
  CLI::App* add(CLI::App& app) override {
    auto* sub = app.add_subcommand("plant", "Plant fake people as canary rows into a database table or a file, for one copy");
    sub->add_option("--target", target_, "sqlite:///path.db, file:path.csv|.tsv|.jsonl, or a path")->required();
    sub->add_option("--table", table_, "Table (databases)");
    sub->add_option("--copy", copy_, "The copy this target is, e.g. prod-db or vendor-acme-export")->required();
    auto* count = sub->add_option("--count", count_, "How many canaries")->check(CLI::Range(std::int64_t{1}, std::int64_t{10'000'000}));
    auto* fraction = sub->add_option("--sample-fraction", fraction_,
                                     "Plant enough that a random sample of this fraction of the rows holds one...");
    auto* confidence = sub->add_option("--confidence", confidence_, "...with this probability (with --sample-fraction)");
    count->excludes(fraction);
    fraction->needs(confidence);
    confidence->needs(fraction);
    sub->add_option("--locale", locale_, "zh_CN or en_US")->capture_default_str();
    sub->add_option("--map", maps_, "COLUMN=FIELD: map a column to a person field ('-': profile it instead)");
    sub->add_option("--memo", memo_, "Free text kept with the canaries");
    sub->add_option("--derived-from", derived_from_,
                    "This copy was made from that one (as `copies derive`): it also holds that copy's earlier canaries");
    sub->add_option("--seed", seed_, "Reproducible people (for tests; trigger values stay random)");
    sub->add_flag("--dry-run", dry_run_, "Show the column mapping and sample rows; change nothing");
    sub->add_flag("--json", json_, "Print the result as JSON");
    count_option_ = count;
    return sub;
  }

  int run(const GlobalOptions& g) override {
    PlantRequest req;
    req.target = target_;
    req.table = table_;
    req.copy = copy_;
    req.dry_run = dry_run_;
    req.memo = memo_;
    auto locale = parse_locale(locale_);
    if (!locale) return usage_error("--locale: " + locale.status().message());
    req.locale = *locale;
    for (const auto& m : maps_) {
      const auto eq = m.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == m.size()) {
        return usage_error("--map '" + m + "': want COLUMN=FIELD");
      }
      req.maps[m.substr(0, eq)] = m.substr(eq + 1);
    }
    if (!seed_.empty()) {
      std::uint64_t seed = 0;
      auto [end, ec] = std::from_chars(seed_.data(), seed_.data() + seed_.size(), seed);
      if (ec != std::errc() || end != seed_.data() + seed_.size()) return usage_error("--seed: not a whole number");
      req.seed = seed;
    }
    std::string density_note;
    if (count_option_->count() > 0) {
      req.count = count_;
    } else if (fraction_ > 0 || confidence_ > 0) {
      auto n = canaries_for_sample(fraction_, confidence_);
      if (!n) return usage_error(n.status().message());
      req.count = *n;
      density_note = std::to_string(*n) + " canaries: a random sample of " + std::to_string(fraction_) +
                     " of the rows holds at least one with probability " + std::to_string(confidence_);
    } else {
      return usage_error("give --count N, or --sample-fraction F with --confidence P");
    }

    auto cfg = load(g);
    if (!cfg) return fail(cfg.status());
    auto reg = open_registry(*cfg);
    if (!reg) return fail(reg.status());
    if (!derived_from_.empty() && !dry_run_) {
      auto parent = (*reg)->find_copy(derived_from_);
      if (!parent) return fail(parent.status());
      if (!*parent) return fail(Status::NotFound("--derived-from: no copy named '" + derived_from_ + "'"));
    }
    const TimePoint started = system_clock().now();
    auto report = plant(**reg, {cfg->zone, cfg->mail_domains, cfg->url_scheme}, req, system_clock());
    if (report && !derived_from_.empty() && !dry_run_) {
      // Derived when this plant began: the parent's canaries planted before then are in it.
      auto d = (*reg)->derive_copy(copy_, derived_from_, started, started);
      if (!d) return fail(d.status().WithContext("planted, but recording --derived-from"));
    }
    if (!report) {
      return report.status().code() == Status::Code::kInvalidArgument && report.status().message().rfind("--", 0) == 0
                 ? usage_error(report.status().message())
                 : fail(report.status());
    }
    print(*report, density_note);
    return kExitOk;
  }

 private:
  void print(const PlantReport& r, const std::string& density_note) const {
    const auto& cols = r.plan.columns;
    if (json_) {
      nlohmann::json mapping = nlohmann::json::array();
      for (const auto& c : cols) mapping.push_back({{"column", c.column.name}, {"plan", c.describe()}});
      nlohmann::json rows = nlohmann::json::array();
      for (std::size_t i = 0; i < r.rows.size(); ++i) {
        nlohmann::json row = nlohmann::json::object();
        for (std::size_t c = 0; c < cols.size(); ++c) {
          row[cols[c].column.name] = r.rows[i][c] ? nlohmann::json(*r.rows[i][c]) : nlohmann::json(nullptr);
        }
        nlohmann::json entry = {{"row", row}};
        if (i < r.canary_ids.size()) entry["canary_id"] = r.canary_ids[i];
        if (i < r.row_keys.size()) entry["row_key"] = r.row_keys[i];
        rows.push_back(entry);
      }
      print_json({{"target", r.target.redacted},
                  {"table", table_},
                  {"copy", copy_},
                  {"dry_run", dry_run_},
                  {"existing_rows", r.existing_rows},
                  {"planted", r.canary_ids.size()},
                  {"mapping", mapping},
                  {"seconds", {{"register", r.register_seconds}, {"target", r.target_seconds}, {"commit", r.commit_seconds}}},
                  {"rows", rows}});
      return;
    }
    std::cout << (dry_run_ ? "dry run: nothing planted\n" : "") << "target " << r.target.redacted
              << (table_.empty() ? "" : " table " + table_) << " (" << r.existing_rows << " rows)\n";
    for (const auto& c : cols) std::cout << "  " << c.column.name << "  " << c.describe() << "\n";
    std::cout << (dry_run_ ? "sample canary rows:\n" : "");
    if (dry_run_) {
      for (const auto& row : r.rows) {
        std::string line = " ";
        for (const auto& cell : row) line += " " + cell_text(cell);
        std::cout << line << "\n";
      }
    } else {
      std::cout << "planted " << r.canary_ids.size() << " canaries for copy " << copy_ << " (registering "
                << fmt_seconds(r.register_seconds) << ", writing the target " << fmt_seconds(r.target_seconds)
                << ", committing " << fmt_seconds(r.commit_seconds) << ")\n";
    }
    if (!density_note.empty()) std::cout << density_note << "\n";
  }

  std::string target_, table_, copy_, locale_ = "zh_CN", memo_, seed_, derived_from_;
  std::int64_t count_ = 0;
  double fraction_ = 0, confidence_ = 0;
  std::vector<std::string> maps_;
  bool dry_run_ = false, json_ = false;
  CLI::Option* count_option_ = nullptr;
};

class UnplantCommand final : public Command {
 public:
  CLI::App* add(CLI::App& app) override {
    auto* sub = app.add_subcommand("unplant", "Remove a copy's canaries from a target; their placements are kept as retired");
    sub->add_option("--target", target_, "The target they were planted into")->required();
    sub->add_option("--copy", copy_, "The copy")->required();
    sub->add_option("--table", table_, "Only this table");
    sub->add_flag("--retire-missing", retire_missing_,
                  "Retire the placements of planted rows not found too (rows known to be gone already)");
    sub->add_flag("--json", json_, "Print the result as JSON");
    return sub;
  }

  int run(const GlobalOptions& g) override {
    auto cfg = load(g);
    if (!cfg) return fail(cfg.status());
    auto reg = open_registry(*cfg);
    if (!reg) return fail(reg.status());
    auto r = unplant(**reg, target_, copy_, table_.empty() ? std::nullopt : std::optional(table_), system_clock(),
                     retire_missing_);
    if (!r) return fail(r.status());
    if (json_) {
      print_json({{"retired_placements", r->placements}, {"rows_removed", r->rows_removed}, {"not_found", r->not_found}});
    } else {
      std::cout << "removed " << r->rows_removed << " rows; retired " << r->placements << " placements of copy " << copy_
                << "\n";
      // A row removed by hand is not found; nor one without an ID, phone, e-mail or URL of its
      // own whose rowid changed (VACUUM of a table without a primary key): it may be in place.
      if (r->not_found > 0) {
        std::cout << r->not_found
                  << " planted rows were not found (removed already, or no longer at their row key and holding no "
                     "value of their own to be found by): their placements stay active; --retire-missing retires "
                     "them\n";
      }
    }
    return kExitOk;
  }

 private:
  std::string target_, copy_, table_;
  bool json_ = false;
  bool retire_missing_ = false;
};

}  // namespace

std::unique_ptr<Command> make_plant_command() { return std::make_unique<PlantCommand>(); }
std::unique_ptr<Command> make_unplant_command() { return std::make_unique<UnplantCommand>(); }

}  // namespace canarytrap::cli
