// canarytrap hits: the recorded uses of triggers, newest first.
#include <iostream>

#include "canarytrap/core/clock.h"
#include "canarytrap/store/row_json.h"
#include "command.h"

namespace canarytrap::cli {
namespace {

class HitsCommand final : public Command {
 public:
  CLI::App* add(CLI::App& app) override {
    auto* sub = app.add_subcommand("hits", "List recorded hits");
    sub->add_option("--since", since_, "Only hits at or after this time (RFC 3339, a date, or 24h / 7d ago)");
    sub->add_option("--copy", copy_, "Only hits on canaries of this copy");
    sub->add_option("--channel", channel_, "Only this channel")->check(CLI::IsMember({"dns", "http", "smtp", "scan"}));
    sub->add_option("--limit", limit_, "At most this many")->check(CLI::Range(std::int64_t{1}, std::int64_t{10'000'000}))
        ->capture_default_str();
    sub->add_flag("--json", json_, "Print as JSON");
    return sub;
  }

  int run(const GlobalOptions& g) override {
    HitFilter filter;
    filter.limit = limit_;
    if (!since_.empty()) {
      auto t = parse_time(since_, system_clock().now());
      if (!t) return usage_error("--since: " + t.status().message());
      filter.since = *t;
    }
    if (!copy_.empty()) filter.copy = copy_;
    if (!channel_.empty()) filter.channel = channel_;
    auto cfg = load(g);
    if (!cfg) return fail(cfg.status());
    auto reg = open_registry(*cfg);
    if (!reg) return fail(reg.status());
    auto hits = (*reg)->list_hits(filter);
    if (!hits) return fail(hits.status());
    if (json_) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& h : *hits) out.push_back(hit_json(h));
      print_json(out);
      return kExitOk;
    }
    if (hits->empty()) {
      std::cout << "no hits" << (copy_.empty() ? "" : " for copy " + copy_) << "\n";
      return kExitOk;
    }
    for (const auto& h : *hits) {
      const auto details = nlohmann::json::parse(h.details_json, nullptr, false);
      std::string what;
      for (const char* key : {"qname", "target", "subject", "recipients"}) {
        if (details.is_object() && details.contains(key) && what.empty()) what = details[key].get<std::string>();
      }
      // Attacker-controlled text: control characters are shown escaped, never sent to the terminal.
      std::string safe;
      for (unsigned char c : what.substr(0, 80)) safe += c < 0x20 || c == 0x7f ? '?' : static_cast<char>(c);
      std::cout << format_time(h.at).substr(0, 19) << "Z  " << h.channel << "  " << (h.copy.empty() ? "-" : h.copy)
                << "  " << h.source << "  " << safe << (h.automated ? "  [automated: " + h.automated_reason + "]" : "")
                << "\n";
    }
    return kExitOk;
  }

 private:
  std::string since_, copy_, channel_;
  std::int64_t limit_ = 100;
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> make_hits_command() { return std::make_unique<HitsCommand>(); }

}  // namespace canarytrap::cli
