// canarytrap mint: draw new canaries of one kind and print their values.
//
// stdout carries only the values (one per line; a record prints its e-mail and photo URL
// separated by a tab), so the output can be piped straight into a file to plant by hand.
#include <spdlog/spdlog.h>

#include <iostream>

#include "canarytrap/store/mint.h"
#include "command.h"

namespace canarytrap::cli {
namespace {

class MintCommand final : public Command {
 public:
  CLI::App* add(CLI::App& app) override {
    auto* sub = app.add_subcommand("mint", "Mint new canaries and print their trigger values");
    sub->add_option("--kind", kind_, "What to mint")
        ->required()
        ->check(CLI::IsMember({"dns", "http", "smtp", "record"}));
    sub->add_option("--copy", copy_, "Copy the canaries are for (created if new), e.g. vendor-acme-export");
    sub->add_option("--memo", memo_, "Free text to remember where the canaries went");
    sub->add_option("--count", count_, "How many")->check(CLI::Range(std::int64_t{1}, kMaxMintCount))->capture_default_str();
    sub->add_flag("--json", json_, "Print the canaries as JSON");
    return sub;
  }

  int run(const GlobalOptions& g) override {
    auto kind = parse_canary_kind(kind_);
    if (!kind) return usage_error(kind.status().message());
    auto cfg = load(g);
    if (!cfg) return fail(cfg.status());
    auto reg = open_registry(*cfg);
    if (!reg) return fail(reg.status());

    bool new_copy = false;
    if (!copy_.empty()) {
      auto existing = (*reg)->find_copy(copy_);
      if (!existing) return fail(existing.status());
      new_copy = !existing->has_value();
    }
    auto mark_key = (*reg)->value_mark_key();
    if (!mark_key) return fail(mark_key.status());
    TriggerMinter minter({cfg->zone, cfg->mail_domains, cfg->url_scheme, *mark_key});
    MintRequest req{*kind, copy_.empty() ? std::nullopt : std::optional(copy_), memo_, count_};
    auto minted = mint_canaries(**reg, minter, req, system_clock());
    if (!minted) return fail(minted.status());

    if (json_) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& c : *minted) out.push_back(canary_json(c));
      print_json(out);
    } else {
      std::string text;
      for (const auto& c : *minted) {
        text += c.triggers.front().value;
        if (c.kind == CanaryKind::kRecord) text += "\t" + c.triggers[1].value;
        text += '\n';
      }
      std::cout << text;
    }
    spdlog::info("minted {} {} canar{}{}", minted->size(), kind_, minted->size() == 1 ? "y" : "ies",
                 copy_.empty() ? "" : (new_copy ? " for new copy " : " for copy ") + copy_);
    return kExitOk;
  }

 private:
  std::string kind_;
  std::string copy_;
  std::string memo_;
  std::int64_t count_ = 1;
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> make_mint_command() { return std::make_unique<MintCommand>(); }

}  // namespace canarytrap::cli
