// canarytrap incidents: hits grouped per copy, newest first — which copy leaked, since when.
#include <iostream>

#include "canarytrap/core/clock.h"
#include "canarytrap/store/row_json.h"
#include "command.h"

namespace canarytrap::cli {
namespace {

class IncidentsCommand final : public Command {
 public:
  CLI::App* add(CLI::App& app) override {
    auto* sub = app.add_subcommand("incidents", "List incidents: the hits on one copy, grouped in time");
    sub->add_option("--limit", limit_, "At most this many")->check(CLI::Range(std::int64_t{1}, std::int64_t{100'000}))
        ->capture_default_str();
    sub->add_flag("--json", json_, "Print as JSON");
    return sub;
  }

  int run(const GlobalOptions& g) override {
    auto cfg = load(g);
    if (!cfg) return fail(cfg.status());
    auto reg = open_registry(*cfg);
    if (!reg) return fail(reg.status());
    auto rows = (*reg)->list_incidents(limit_);
    if (!rows) return fail(rows.status());
    if (json_) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& r : *rows) out.push_back(incident_json(r));
      print_json(out);
      return kExitOk;
    }
    if (rows->empty()) {
      std::cout << "no incidents\n";
      return kExitOk;
    }
    for (const auto& r : *rows) {
      std::string channels;
      for (const auto& c : r.channels) channels += (channels.empty() ? "" : ",") + c;
      std::cout << "#" << r.id << "  copy " << r.copy << "  " << r.state << ", " << r.confidence << " confidence  "
                << r.hits << " hits on " << r.canaries << " canar" << (r.canaries == 1 ? "y" : "ies") << " (" << channels
                << ")  " << format_time(r.opened_at).substr(0, 19) << "Z .. " << format_time(r.last_hit_at).substr(0, 19)
                << "Z\n";
    }
    return kExitOk;
  }

 private:
  std::int64_t limit_ = 100;
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> make_incidents_command() { return std::make_unique<IncidentsCommand>(); }

}  // namespace canarytrap::cli
