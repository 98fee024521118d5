// canarytrap copies: list the copies canaries were minted for or planted into.
#include <iostream>

#include "canarytrap/core/clock.h"
#include "command.h"

namespace canarytrap::cli {
namespace {

class CopiesCommand final : public Command {
 public:
  CLI::App* add(CLI::App& app) override {
    auto* sub = app.add_subcommand("copies", "List copies (the places data goes: prod-db, vendor exports, backups)");
    sub->add_flag("--json", json_, "Print as JSON");
    return sub;
  }

  int run(const GlobalOptions& g) override {
    auto cfg = load(g);
    if (!cfg) return fail(cfg.status());
    auto reg = open_registry(*cfg);
    if (!reg) return fail(reg.status());
    auto copies = (*reg)->list_copies();
    if (!copies) return fail(copies.status());
    if (json_) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& c : *copies) {
        out.push_back({{"id", c.id}, {"name", c.name}, {"created_at", format_time(c.created_at)}});
      }
      print_json(out);
      return kExitOk;
    }
    if (copies->empty()) std::cout << "no copies; `canarytrap mint --copy NAME` creates one\n";
    for (const auto& c : *copies) std::cout << c.name << "\t" << format_time(c.created_at) << "\n";
    return kExitOk;
  }

 private:
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> make_copies_command() { return std::make_unique<CopiesCommand>(); }

}  // namespace canarytrap::cli
