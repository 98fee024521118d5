// canarytrap init: writes canarytrap.toml, a secret key file (0600) and an empty registry.
//
// Everything is staged beside its target and renamed only once all of it is ready, so a
// failure (bad zone, unwritable directory, a file in the way) leaves nothing behind.
// With --force the config is rewritten; an existing key and registry are kept (the key
// signs webhooks already configured elsewhere, the registry holds every planted canary).
#include <spdlog/spdlog.h>

#include <iostream>

#include "canarytrap/core/files.h"
#include "canarytrap/core/normalize.h"
#include "canarytrap/core/secure_random.h"
#include "command.h"

namespace canarytrap::cli {
namespace {

class InitCommand final : public Command {
 public:
  CLI::App* add(CLI::App& app) override {
    auto* sub = app.add_subcommand("init", "Create canarytrap.toml, a secret key and the registry in a directory");
    sub->add_option("--dir", dir_, "Directory to initialise (created if missing)")->capture_default_str();
    zone_option_ = sub->add_option("--zone", zone_, "DNS zone delegated to canarytrap; dns and http triggers live under it")
        ->capture_default_str();
    sub->add_option("--mail-domain", mail_domains_, "Mail domain whose MX is canarytrap (repeatable; default: the zone)");
    sub->add_option("--public-ip", public_ips_, "Address answered for names under the zone (repeatable)");
    sub->add_flag("--force", force_, "Rewrite an existing canarytrap.toml (the key and registry are kept)");
    sub->add_flag("--json", json_, "Print what was written as JSON");
    return sub;
  }

  int run(const GlobalOptions&) override {
    InitSettings s;
    auto zone = normalize_zone(zone_);
    if (!zone) return usage_error("--zone: " + zone.status().message());
    s.zone = *zone;
    if (mail_domains_.empty()) mail_domains_.push_back(s.zone);
    for (const auto& m : mail_domains_) {
      auto d = normalize_zone(m);
      if (!d) return usage_error("--mail-domain: " + d.status().message());
      s.mail_domains.push_back(*d);
    }
    if (public_ips_.empty()) public_ips_.push_back("127.0.0.1");
    for (const auto& ip : public_ips_) {
      auto n = normalize_ip(ip);
      if (!n) return usage_error("--public-ip: " + n.status().message());
      s.public_ips.push_back(*n);
    }

    const std::filesystem::path dir(dir_);
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return fail(Status::IoError("cannot create directory " + dir.string() + ": " + ec.message()));
    const auto config = dir / "canarytrap.toml";
    const auto key = dir / "canarytrap.key";
    const auto registry = dir / "canarytrap.db";
    if (!force_) {
      for (const auto& p : {config, key, registry}) {
        if (std::filesystem::exists(p, ec)) {
          return fail(Status::AlreadyExists(p.string() + " already exists; pass --force to rewrite the config"));
        }
      }
    }

    // Stage everything; rename only when all of it is ready.
    std::vector<std::pair<std::filesystem::path, std::filesystem::path>> staged;
    const auto discard = [&] {
      for (const auto& [tmp, target] : staged) std::filesystem::remove(tmp, ec);
    };
    const bool new_key = !std::filesystem::exists(key, ec);
    const bool new_registry = !std::filesystem::exists(registry, ec);
    if (new_registry) {
      const auto tmp = temp_path_beside(registry);
      auto reg = Registry::open(tmp, {.create_if_missing = true});
      if (!reg) {
        std::filesystem::remove(tmp, ec);
        return fail(Status::IoError("cannot create the registry in " + dir.string() + ": " + reg.status().message()));
      }
      reg->reset();  // closes it: WAL files are folded back before the rename
      staged.emplace_back(tmp, registry);
    } else {
      auto reg = Registry::open(registry, {.create_if_missing = false});  // migrates; refuses a foreign file
      if (!reg) return fail(reg.status());
    }
    if (new_key) {
      auto tmp = stage_file(key, secure_random_hex(32) + "\n", 0600);
      if (!tmp) {
        discard();
        return fail(tmp.status());
      }
      staged.emplace_back(*tmp, key);
    }
    auto tmp = stage_file(config, render_config(s), 0644);
    if (!tmp) {
      discard();
      return fail(tmp.status());
    }
    staged.emplace_back(*tmp, config);
    for (const auto& [from, to] : staged) {
      if (Status st = commit_staged(from, to); !st.ok()) {
        discard();
        return fail(st);
      }
    }

    if (json_) {
      print_json({{"config", config.string()},
                  {"key_file", key.string()},
                  {"registry", registry.string()},
                  {"zone", s.zone},
                  {"mail_domains", s.mail_domains},
                  {"public_ips", s.public_ips}});
    } else {
      std::cout << "wrote " << config.string() << (new_key ? ", " + key.string() + " (mode 0600)" : "")
                << (new_registry ? ", " + registry.string() : "") << "\n"
                << "zone " << s.zone << ", mail domains";
      for (const auto& d : s.mail_domains) std::cout << ' ' << d;
      std::cout << "\nnext: canarytrap --config " << config.string() << " mint --kind dns\n";
    }
    if (zone_option_->count() == 0) {
      spdlog::warn("using the demo zone {}; pass --zone with a zone delegated to this host for real use", kDemoZone);
    }
    return kExitOk;
  }

 private:
  static constexpr const char* kDemoZone = "canary.example.net";
  CLI::Option* zone_option_ = nullptr;
  std::string dir_ = ".";
  std::string zone_ = kDemoZone;
  std::vector<std::string> mail_domains_;
  std::vector<std::string> public_ips_;
  bool force_ = false;
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> make_init_command() { return std::make_unique<InitCommand>(); }

}  // namespace canarytrap::cli
