// canarytrap alerts list|test|retry: what happened to every alert, a signed test event to a
// destination, and failed alerts queued again.
#include <iostream>

#include "canarytrap/alert/dispatcher.h"
#include "canarytrap/alert/payload.h"
#include "canarytrap/core/clock.h"
#include "canarytrap/core/secure_random.h"
#include "canarytrap/store/row_json.h"
#include "command.h"

namespace canarytrap::cli {
namespace {

class AlertsCommand final : public Command {
 public:
  CLI::App* add(CLI::App& app) override {
    auto* sub = app.add_subcommand("alerts", "Alert outbox: list alerts, send a test alert, retry failed ones");
    sub->require_subcommand(1);
    list_ = sub->add_subcommand("list", "Every alert, newest first, with its state, attempts and last error");
    list_->add_option("--limit", limit_, "At most this many")->check(CLI::Range(std::int64_t{1}, std::int64_t{1'000'000}));
    list_->add_flag("--json", json_, "Print as JSON");
    test_ = sub->add_subcommand("test", "Send a signed test alert to one [[alert]] destination now");
    test_->add_option("name", name_, "The destination's name")->required();
    test_->add_flag("--json", json_, "Print as JSON");
    retry_ = sub->add_subcommand("retry", "Queue failed alerts again (one by id, or all with --failed)");
    retry_->add_option("id", uid_, "The alert id (alrt_...)");
    retry_->add_flag("--failed", all_failed_, "Every failed alert");
    retry_->add_flag("--json", json_, "Print as JSON");
    return sub;
  }

  int run(const GlobalOptions& g) override {
    auto cfg = load(g);
    if (!cfg) return fail(cfg.status());
    if (test_->parsed()) return test(*cfg);
    auto reg = open_registry(*cfg);
    if (!reg) return fail(reg.status());
    if (retry_->parsed()) {
      if (uid_.empty() == !all_failed_) return usage_error("alerts retry: give an alert id or --failed (not both)");
      auto n = (*reg)->retry_alerts(uid_.empty() ? std::nullopt : std::optional(uid_), SystemClock().now());
      if (!n) return fail(n.status());
      if (json_) {
        print_json({{"queued", *n}});
      } else {
        std::cout << "queued " << *n << " alert" << (*n == 1 ? "" : "s") << " again; a running `serve` sends "
                  << (*n == 1 ? "it" : "them") << " now\n";
      }
      return kExitOk;
    }
    auto rows = (*reg)->list_alerts(limit_);
    if (!rows) return fail(rows.status());
    if (json_) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& a : *rows) out.push_back(alert_json(a));
      print_json(out);
      return kExitOk;
    }
    if (rows->empty()) {
      std::cout << "no alerts" << (cfg->alerts.empty() ? " (no [[alert]] destinations are configured)" : "") << "\n";
      return kExitOk;
    }
    for (const auto& a : *rows) {
      std::cout << a.uid << "  " << a.state() << "  " << a.event << "  incident #"
                << (a.incident_id ? std::to_string(*a.incident_id) : "-") << "  to " << a.destination << "  "
                << a.attempts << " attempt" << (a.attempts == 1 ? "" : "s");
      if (a.delivered_at) std::cout << ", delivered " << format_time(*a.delivered_at).substr(0, 19) << "Z";
      if (a.state() == "pending" && a.attempts > 0) {
        std::cout << ", next " << format_time(a.next_attempt_at).substr(0, 19) << "Z";
      }
      if (!a.last_error.empty() && !a.delivered_at) std::cout << "  last error: " << a.last_error;
      std::cout << "\n";
    }
    return kExitOk;
  }

 private:
  int test(const Config& cfg) {
    const AlertDestination* dest = nullptr;
    for (const auto& d : cfg.alerts) {
      if (d.name == name_) dest = &d;
    }
    if (!dest) return fail(Status::NotFound("no [[alert]] named '" + name_ + "' in " + cfg.file.string()));
    auto result = send_test_alert(*dest, {std::chrono::duration_cast<std::chrono::milliseconds>(cfg.alert_timeout),
                                          cfg.alert_allow_private, cfg.alert_ca_file.string()});
    if (!result) return fail(result.status());
    if (json_) {
      print_json({{"id", result->uid},
                  {"destination", dest->name},
                  {"delivered", result->delivered},
                  {"status", result->status},
                  {"error", result->error}});
    } else if (result->delivered) {
      std::cout << "test alert " << result->uid << " delivered to " << dest->name << " (HTTP " << result->status
                << ")\n";
    }
    if (result->delivered) return kExitOk;
    return fail(Status::IoError("test alert to " + dest->name + " (" +
                                (dest->kind == "jsonl" ? dest->url : redact_webhook_url(dest->url)) +
                                ") failed: " + result->error));
  }

  CLI::App *list_ = nullptr, *test_ = nullptr, *retry_ = nullptr;
  std::int64_t limit_ = 100;
  bool json_ = false, all_failed_ = false;
  std::string name_, uid_;
};

}  // namespace

std::unique_ptr<Command> make_alerts_command() { return std::make_unique<AlertsCommand>(); }

}  // namespace canarytrap::cli
