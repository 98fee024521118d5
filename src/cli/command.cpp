#include "command.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <iostream>

#include "canarytrap/core/clock.h"
#include "canarytrap/core/log.h"

namespace canarytrap::cli {

int fail(const Status& status) {
  spdlog::error("{}", status.message());
  return kExitFailure;
}

int usage_error(const std::string& message) {
  spdlog::error("{}", message);
  return kExitUsage;
}

std::filesystem::path config_path(const GlobalOptions& g) {
  if (!g.config.empty()) return g.config;
  if (const char* env = std::getenv("CANARYTRAP_CONFIG"); env && *env) return env;
  return "canarytrap.toml";
}

Result<Config> load(const GlobalOptions& g, const Overrides& more) {
  Overrides flags = more;
  if (!g.log_format.empty()) flags["log.format"] = g.log_format;
  if (!g.log_level.empty()) flags["log.level"] = g.log_level;
  if (!g.registry.empty()) flags["registry.path"] = g.registry;
  auto cfg = load_config(config_path(g), environment_snapshot(), flags);
  if (!cfg) return cfg;
  init_logging(cfg->log_format == "json" ? LogFormat::kJson : LogFormat::kText, cfg->log_level);
  for (const auto& w : cfg->warnings) spdlog::warn("{}", w);
  return cfg;
}

Result<std::unique_ptr<Registry>> open_registry(const Config& cfg) {
  return Registry::open(cfg.registry_path, {.create_if_missing = false});
}

void print_json(const nlohmann::json& j) {
  std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}


}  // namespace canarytrap::cli
