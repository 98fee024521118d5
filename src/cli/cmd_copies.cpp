// canarytrap copies: list the copies canaries were minted for or planted into, with their
// lineage; `copies derive CHILD --from PARENT [--at TIME]` records that one was made from
// another (a vendor export or a backup taken from production).
#include <iostream>

#include "canarytrap/core/clock.h"
#include "canarytrap/store/row_json.h"
#include "command.h"

namespace canarytrap::cli {
namespace {

class CopiesCommand final : public Command {
 public:
  CLI::App* add(CLI::App& app) override {
    auto* sub = app.add_subcommand("copies", "List copies (the places data goes: prod-db, vendor exports, backups)");
    sub->add_flag("--json", json_, "Print as JSON");
    derive_ = sub->add_subcommand("derive", "Record that CHILD was made from PARENT (it holds PARENT's earlier canaries)");
    derive_->add_option("child", child_, "The derived copy (created if new)")->required();
    derive_->add_option("--from", parent_, "The copy it was made from")->required();
    derive_->add_option("--at", at_, "When it was made (RFC 3339, a date, or 2h for two hours ago; default now)");
    derive_->add_flag("--json", json_, "Print as JSON");
    return sub;
  }

  int run(const GlobalOptions& g) override {
    auto cfg = load(g);
    if (!cfg) return fail(cfg.status());
    auto reg = open_registry(*cfg);
    if (!reg) return fail(reg.status());
    if (derive_->parsed()) {
      const TimePoint now = SystemClock().now();
      TimePoint at = now;
      if (!at_.empty()) {
        auto t = parse_time(at_, now);
        if (!t) return usage_error("--at: " + t.status().message());
        at = *t;
      }
      auto c = (*reg)->derive_copy(child_, parent_, at, now);
      if (!c) return fail(c.status());
      if (json_) {
        print_json({{"copy", c->name}, {"derived_from", parent_}, {"derived_at", format_time(at)}});
      } else {
        std::cout << "copy " << c->name << " derived from " << parent_ << " at " << format_time(at) << "\n";
      }
      return kExitOk;
    }
    auto copies = (*reg)->list_copies();
    if (!copies) return fail(copies.status());
    std::map<std::int64_t, std::string> names;
    for (const auto& c : *copies) names[c.id] = c.name;
    if (json_) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& c : *copies) out.push_back(copy_json(c, names));
      print_json(out);
      return kExitOk;
    }
    if (copies->empty()) std::cout << "no copies; `canarytrap mint --copy NAME` creates one\n";
    for (const auto& c : *copies) {
      std::cout << c.name << "\t" << format_time(c.created_at);
      if (c.parent_copy_id) {
        std::cout << "\tderived from " << names[*c.parent_copy_id] << " at " << format_time(*c.derived_at);
      }
      std::cout << "\n";
    }
    return kExitOk;
  }

 private:
  bool json_ = false;
  CLI::App* derive_ = nullptr;
  std::string child_, parent_, at_;
};

}  // namespace

std::unique_ptr<Command> make_copies_command() { return std::make_unique<CopiesCommand>(); }

}  // namespace canarytrap::cli
