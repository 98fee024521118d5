// What every subcommand shares: the global options, how the config and registry are
// found, and how a failure becomes one line on stderr and an exit code.
//
// Exit codes (DESIGN.md): 0 ok, 1 runtime failure, 2 usage error.
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "canarytrap/store/row_json.h"

#include <memory>
#include <optional>
#include <string>

#include "canarytrap/core/config.h"
#include "canarytrap/core/status.h"
#include "canarytrap/store/registry.h"

namespace canarytrap::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

struct GlobalOptions {
  std::string config;  // --config; else CANARYTRAP_CONFIG; else ./canarytrap.toml
  std::string log_format;
  std::string log_level;
  std::string registry;
};

// Prints "canarytrap: error: <message>" and returns the exit code.
int fail(const Status& status);
int usage_error(const std::string& message);

// The config file this invocation uses, by the precedence above.
std::filesystem::path config_path(const GlobalOptions& g);

// Loads the config with env and flag overrides, then re-initialises logging from it.
// `more` holds a subcommand's own overrides (serve's --dns, --http, ...).
Result<Config> load(const GlobalOptions& g, const Overrides& more = {});

// Opens the registry named by the config (it must exist: `init` creates it).
Result<std::unique_ptr<Registry>> open_registry(const Config& cfg);

// JSON output on stdout: pretty, invalid UTF-8 replaced rather than thrown on.
void print_json(const nlohmann::json& j);


// Each subcommand: `add` declares it on the app, `run` executes it after parsing.
class Command {
 public:
  virtual ~Command() = default;
  virtual CLI::App* add(CLI::App& app) = 0;
  virtual int run(const GlobalOptions& g) = 0;
};

std::unique_ptr<Command> make_init_command();
std::unique_ptr<Command> make_mint_command();
std::unique_ptr<Command> make_canaries_command();
std::unique_ptr<Command> make_copies_command();
std::unique_ptr<Command> make_fake_command();
std::unique_ptr<Command> make_plant_command();
std::unique_ptr<Command> make_unplant_command();
std::unique_ptr<Command> make_serve_command();
std::unique_ptr<Command> make_hits_command();
std::unique_ptr<Command> make_incidents_command();
std::unique_ptr<Command> make_check_config_command();
std::unique_ptr<Command> make_alerts_command();
std::unique_ptr<Command> make_scan_command();
std::unique_ptr<Command> make_keys_command();

}  // namespace canarytrap::cli
