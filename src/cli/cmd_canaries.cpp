// canarytrap canaries: list registered canaries with their values, copy and memo.
#include <iostream>
#include <map>

#include "canarytrap/store/row_json.h"
#include "command.h"

namespace canarytrap::cli {
namespace {

class CanariesCommand final : public Command {
 public:
  CLI::App* add(CLI::App& app) override {
    auto* sub = app.add_subcommand("canaries", "List canaries");
    sub->add_option("--copy", copy_, "Only canaries minted for or planted into this copy");
    sub->add_option("--kind", kind_, "Only this kind")->check(CLI::IsMember({"dns", "http", "smtp", "record"}));
    sub->add_flag("--json", json_, "Print as JSON");
    return sub;
  }

  int run(const GlobalOptions& g) override {
    CanaryFilter filter;
    if (!copy_.empty()) filter.copy = copy_;
    if (!kind_.empty()) {
      auto k = parse_canary_kind(kind_);
      if (!k) return usage_error(k.status().message());
      filter.kind = *k;
    }
    auto cfg = load(g);
    if (!cfg) return fail(cfg.status());
    auto reg = open_registry(*cfg);
    if (!reg) return fail(reg.status());
    auto rows = (*reg)->list_canaries(filter);
    if (!rows) return fail(rows.status());

    if (json_) {
      std::vector<std::int64_t> ids;
      for (const auto& c : *rows) ids.push_back(c.id);
      auto placements = (*reg)->placements_of(ids);
      if (!placements) return fail(placements.status());
      print_json(canaries_json(*rows, *placements));
      return kExitOk;
    }
    if (rows->empty()) {
      std::cout << "no canaries" << (copy_.empty() ? "" : " for copy " + copy_)
                << "; mint some with: canarytrap mint --kind dns\n";
      return kExitOk;
    }
    std::string out = fmt_row("ID", "KIND", "COPY", "CREATED", "VALUE", "MEMO");
    for (const auto& c : *rows) {
      const TriggerRow* p = c.primary();
      out += fmt_row(std::to_string(c.id), std::string(canary_kind_name(c.kind)), c.copy.empty() ? "-" : c.copy,
                     format_time(c.created_at).substr(0, 19) + "Z", p ? p->value : "", c.memo);
    }
    std::cout << out;
    return kExitOk;
  }

 private:
  static std::string pad(std::string s, std::size_t width) {
    if (s.size() < width) s.append(width - s.size(), ' ');
    return s + "  ";
  }
  static std::string fmt_row(const std::string& id, const std::string& kind, const std::string& copy,
                             const std::string& created, const std::string& value, const std::string& memo) {
    return pad(id, 6) + pad(kind, 6) + pad(copy, 18) + pad(created, 20) + pad(value, 40) + memo + "\n";
  }

  std::string copy_;
  std::string kind_;
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> make_canaries_command() { return std::make_unique<CanariesCommand>(); }

}  // namespace canarytrap::cli
