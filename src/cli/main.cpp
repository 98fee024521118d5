// canarytrap: the command-line entry point. Thin by design: it parses, then hands over to
// one Command per subcommand, which calls the modules.
#include <csignal>
#include <exception>
#include <iostream>

#include "canarytrap/core/crash_report.h"
#include "canarytrap/core/log.h"
#include "canarytrap/version.h"
#include "command.h"

int main(int argc, char** argv) {
  using namespace canarytrap;
  using namespace canarytrap::cli;

  // A file-size limit (ulimit -f) makes writes fail with EFBIG, reported as one line and
  // with the staged file removed, instead of killing the process mid-write.
  std::signal(SIGXFSZ, SIG_IGN);
  // A crash leaves a backtrace on stderr, which is where serve's log goes.
  install_crash_report();

  // Until the config is read, log as text; the config or --log-format may switch to JSON.
  init_logging(LogFormat::kText, "info");

  CLI::App app{"canarytrap: plant canaries in every copy of your personal data, know when one leaks, which, and when.",
               "canarytrap"};
  app.set_version_flag("--version", std::string(kVersion));
  app.require_subcommand(1);
  app.fallthrough();  // global options may also follow the subcommand
  GlobalOptions g;
  app.add_option("--config", g.config, "Config file (default: $CANARYTRAP_CONFIG, else ./canarytrap.toml)");
  app.add_option("--log-format", g.log_format, "Log format on stderr")->check(CLI::IsMember({"text", "json"}));
  app.add_option("--log-level", g.log_level, "Log level")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  app.add_option("--registry", g.registry, "Registry file (overrides registry.path)");

  std::vector<std::pair<CLI::App*, std::unique_ptr<Command>>> commands;
  for (auto make : {make_init_command, make_mint_command, make_canaries_command, make_copies_command,
                    make_fake_command, make_plant_command, make_unplant_command,
                    make_serve_command, make_hits_command, make_incidents_command, make_alerts_command, make_scan_command, make_keys_command,
                    make_check_config_command}) {
    auto cmd = make();
    CLI::App* sub = cmd->add(app);
    commands.emplace_back(sub, std::move(cmd));
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string msg = e.what();
    // CLI11 reports a mistyped command as a missing one; name what was typed instead.
    if (const auto rest = app.remaining(); !rest.empty() && e.get_name() == "RequiredError") {
      msg = "unknown command '" + rest.front() + "'";
    }
    if (msg.empty()) msg = "invalid command line";
    return usage_error(msg + " (see canarytrap --help)");
  }
  if (!g.log_format.empty() || !g.log_level.empty()) {
    init_logging(g.log_format == "json" ? LogFormat::kJson : LogFormat::kText, g.log_level.empty() ? "info" : g.log_level);
  }

  try {
    for (auto& [sub, cmd] : commands) {
      if (sub->parsed()) return cmd->run(g);
    }
  } catch (const std::exception& e) {
    return fail(Status::Internal(std::string("unexpected failure: ") + e.what()));
  }
  return usage_error("no command given (see canarytrap --help)");
}
