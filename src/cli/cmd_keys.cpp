// canarytrap keys create|list|revoke: API keys for the admin API and dashboard. The key is
// printed once, at creation; the registry keeps only its SHA-256.
#include <iostream>

#include "canarytrap/core/clock.h"
#include "command.h"

namespace canarytrap::cli {
namespace {

class KeysCommand final : public Command {
 public:
  CLI::App* add(CLI::App& app) override {
    auto* sub = app.add_subcommand("keys", "API keys for the admin API and dashboard");
    sub->require_subcommand(1);
    create_ = sub->add_subcommand("create", "Create a key and print it (once: only its hash is kept)");
    create_->add_option("--name", name_, "What the key is for, e.g. alice or siem-bot")->required();
    create_->add_option("--role", role_, "admin (may change things) or viewer (reads only)")
        ->check(CLI::IsMember({"admin", "viewer"}))
        ->capture_default_str();
    create_->add_flag("--json", json_, "Print as JSON");
    list_ = sub->add_subcommand("list", "Keys with their role, creation and last use (never the keys)");
    list_->add_flag("--json", json_, "Print as JSON");
    revoke_ = sub->add_subcommand("revoke", "Revoke a key: it stops working at once");
    revoke_->add_option("name", name_, "The key's name")->required();
    return sub;
  }

  int run(const GlobalOptions& g) override {
    auto cfg = load(g);
    if (!cfg) return fail(cfg.status());
    auto reg = open_registry(*cfg);
    if (!reg) return fail(reg.status());
    const TimePoint now = SystemClock().now();
    if (create_->parsed()) {
      auto key = (*reg)->create_api_key(name_, role_, now);
      if (!key) return fail(key.status());
      if (json_) {
        print_json({{"name", name_}, {"role", role_}, {"key", *key}});
      } else {
        std::cout << *key << "\n";
        std::cerr << "canarytrap: key '" << name_ << "' (" << role_
                  << ") created; it is shown only now: store it in a password manager\n";
      }
      return kExitOk;
    }
    if (revoke_->parsed()) {
      if (Status s = (*reg)->revoke_api_key(name_, now); !s.ok()) return fail(s);
      std::cout << "revoked key '" << name_ << "'\n";
      return kExitOk;
    }
    auto keys = (*reg)->list_api_keys();
    if (!keys) return fail(keys.status());
    const auto time = [](const std::optional<TimePoint>& t) -> nlohmann::json {
      return t ? nlohmann::json(format_time(*t)) : nlohmann::json(nullptr);
    };
    if (json_) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& k : *keys) {
        out.push_back({{"name", k.name},
                       {"role", k.role},
                       {"created_at", format_time(k.created_at)},
                       {"revoked_at", time(k.revoked_at)},
                       {"last_used_at", time(k.last_used_at)}});
      }
      print_json(out);
      return kExitOk;
    }
    if (keys->empty()) std::cout << "no keys; `canarytrap keys create --name NAME` makes one\n";
    for (const auto& k : *keys) {
      std::cout << k.name << "\t" << k.role << "\tcreated " << format_time(k.created_at).substr(0, 19) << "Z"
                << (k.revoked_at ? "\trevoked " + format_time(*k.revoked_at).substr(0, 19) + "Z" : "")
                << (k.last_used_at ? "\tlast used " + format_time(*k.last_used_at).substr(0, 19) + "Z" : "") << "\n";
    }
    return kExitOk;
  }

 private:
  CLI::App *create_ = nullptr, *list_ = nullptr, *revoke_ = nullptr;
  std::string name_, role_ = "viewer";
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> make_keys_command() { return std::make_unique<KeysCommand>(); }

}  // namespace canarytrap::cli
