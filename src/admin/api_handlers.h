// The state behind the /api/v1 routes, shared by the files that implement them:
// api.cpp (routing, authentication, sessions), api_read.cpp (GET routes) and
// api_write.cpp (routes that change things).
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "api.h"
#include "canarytrap/core/trigger_values.h"

namespace canarytrap::admin {

using Params = std::map<std::string, std::string>;  // {name} segments of the route

struct Api::Handlers {
  Handlers(AdminServer::Options o, AdminServices s, std::unique_ptr<Registry> r)
      : options(std::move(o)), services(std::move(s)), registry(std::move(r)), sessions(options.session_ttl),
        minter(marked(options.mint, registry.get())) {}

  // Tokens minted here carry the registry's value mark, as `mint` and `plant` mint them.
  static MintSettings marked(MintSettings settings, Registry* registry) {
    if (registry != nullptr) {
      if (auto key = registry->value_mark_key()) settings.mark_key = *key;
    }
    return settings;
  }

  AdminServer::Options options;
  AdminServices services;
  // One SQLite connection, one caller at a time; the scan runs outside it (its own connection).
  std::mutex registry_mu;
  std::unique_ptr<Registry> registry;
  SessionStore sessions;
  LoginLimiter logins;
  TriggerMinter minter;

  // api.cpp
  ApiResponse login(const ApiRequest& req);
  ApiResponse logout(const ApiRequest& req, const Principal& who);
  ApiResponse me(const Principal& who);
  ApiResponse openapi();

  // api_read.cpp
  ApiResponse summary();
  ApiResponse copies();
  ApiResponse canaries(const ApiRequest& req);
  ApiResponse canary(const Params& p);
  ApiResponse placements(const ApiRequest& req);
  ApiResponse hits(const ApiRequest& req);
  ApiResponse incidents(const ApiRequest& req);
  ApiResponse incident(const Params& p);
  ApiResponse alerts(const ApiRequest& req);
  ApiResponse destinations();
  ApiResponse hit_stats(const ApiRequest& req);

  // api_write.cpp
  ApiResponse mint(const ApiRequest& req);
  ApiResponse set_incident_state(const Params& p, const std::string& state);
  ApiResponse retry_alert(const Params& p);
  ApiResponse test_destination(const Params& p);
  ApiResponse scan(const ApiRequest& req);
};

// Query helpers shared by the handlers: each returns an error response for a bad value.
std::optional<ApiResponse> parse_limit(const ApiRequest& req, std::int64_t fallback, std::int64_t max,
                                       std::int64_t& out);
std::optional<ApiResponse> parse_id(const std::string& text, const std::string& what, std::int64_t& out);
std::optional<ApiResponse> parse_json_body(const ApiRequest& req, nlohmann::json& out);

}  // namespace canarytrap::admin
