#include "api.h"

#include <charconv>
#include <fstream>
#include <sstream>

#include "api_handlers.h"
#include "canarytrap/core/clock.h"

namespace canarytrap::admin {
namespace {

constexpr char kSessionCookie[] = "ct_session";

std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> out;
  std::size_t start = 1;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

bool matches(const RouteSpec& r, const std::string& method, const std::string& path, Params* params) {
  if (r.method != method) return false;
  const auto want = segments(r.pattern), got = segments(path);
  if (want.size() != got.size()) return false;
  Params p;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (want[i].size() > 2 && want[i].front() == '{' && want[i].back() == '}') {
      if (got[i].empty()) return false;
      p[want[i].substr(1, want[i].size() - 2)] = got[i];
    } else if (want[i] != got[i]) {
      return false;
    }
  }
  if (params) *params = std::move(p);
  return true;
}

std::string cookie(const std::string& header, const std::string& name) {
  std::size_t pos = 0;
  while (pos < header.size()) {
    auto end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    std::string part = header.substr(pos, end - pos);
    while (!part.empty() && part.front() == ' ') part.erase(0, 1);
    if (part.compare(0, name.size() + 1, name + "=") == 0) return part.substr(name.size() + 1);
    pos = end + 1;
  }
  return "";
}

// Compares secrets in time independent of where they differ.
bool same_secret(const std::string& a, const std::string& b) {
  if (a.size() != b.size() || a.empty()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

std::string ApiRequest::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

std::optional<std::string> ApiRequest::param(const std::string& name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

ApiResponse ApiResponse::json(int status, const nlohmann::json& j) {
  ApiResponse r;
  r.status = status;
  r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

ApiResponse ApiResponse::error(int status, const std::string& code, const std::string& message) {
  return json(status, {{"error", {{"code", code}, {"message", message}}}});
}

ApiResponse ApiResponse::from(const Status& s) {
  switch (s.code()) {
    case Status::Code::kInvalidArgument: return error(400, "invalid_argument", s.message());
    case Status::Code::kNotFound: return error(404, "not_found", s.message());
    case Status::Code::kAlreadyExists: return error(409, "already_exists", s.message());
    default: return error(500, "internal", s.message());
  }
}

std::optional<ApiResponse> parse_limit(const ApiRequest& req, std::int64_t fallback, std::int64_t max,
                                       std::int64_t& out) {
  out = fallback;
  auto text = req.param("limit");
  if (!text) return std::nullopt;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), out);
  if (ec != std::errc() || end != text->data() + text->size() || out < 1 || out > max) {
    return ApiResponse::error(400, "invalid_argument", "limit must be a whole number from 1 to " + std::to_string(max));
  }
  return std::nullopt;
}

std::optional<ApiResponse> parse_id(const std::string& text, const std::string& what, std::int64_t& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc() || end != text.data() + text.size() || out < 0) {
    return ApiResponse::error(400, "invalid_argument", what + " must be a whole number, not '" + text + "'");
  }
  return std::nullopt;
}

std::optional<ApiResponse> parse_json_body(const ApiRequest& req, nlohmann::json& out) {
  out = nlohmann::json::parse(req.body, nullptr, false);
  if (out.is_discarded() || !out.is_object()) {
    return ApiResponse::error(400, "invalid_json", "the request body must be a JSON object");
  }
  return std::nullopt;
}

const std::vector<RouteSpec>& Api::routes() {
  static const std::vector<RouteSpec> list = {
      {"GET", "/api/v1/openapi.json", Access::kPublic},
      {"POST", "/api/v1/session", Access::kPublic},
      {"DELETE", "/api/v1/session", Access::kViewer},
      {"GET", "/api/v1/me", Access::kViewer},
      {"GET", "/api/v1/summary", Access::kViewer},
      {"GET", "/api/v1/copies", Access::kViewer},
      {"GET", "/api/v1/canaries", Access::kViewer},
      {"POST", "/api/v1/canaries", Access::kAdmin},
      {"GET", "/api/v1/canaries/{id}", Access::kViewer},
      {"GET", "/api/v1/placements", Access::kViewer},
      {"GET", "/api/v1/hits", Access::kViewer},
      {"GET", "/api/v1/incidents", Access::kViewer},
      {"GET", "/api/v1/incidents/{id}", Access::kViewer},
      {"POST", "/api/v1/incidents/{id}/acknowledge", Access::kAdmin},
      {"POST", "/api/v1/incidents/{id}/close", Access::kAdmin},
      {"GET", "/api/v1/alerts", Access::kViewer},
      {"GET", "/api/v1/alerts/destinations", Access::kViewer},
      {"POST", "/api/v1/alerts/destinations/{name}/test", Access::kAdmin},
      {"POST", "/api/v1/alerts/{id}/retry", Access::kAdmin},
      {"POST", "/api/v1/scan", Access::kAdmin, /*upload=*/true},
      {"GET", "/api/v1/stats/hits", Access::kViewer},
  };
  return list;
}

const RouteSpec* Api::match(const std::string& method, const std::string& path) {
  for (const auto& r : routes()) {
    if (matches(r, method, path, nullptr)) return &r;
  }
  return nullptr;
}

Api::Api(AdminServer::Options options, AdminServices services, std::unique_ptr<Registry> registry)
    : handlers_(std::make_unique<Handlers>(std::move(options), std::move(services), std::move(registry))) {}

Api::~Api() = default;

std::optional<ApiResponse> Api::authorize(const ApiRequest& req, const RouteSpec& route, Principal* who) {
  if (route.access == Access::kPublic) return std::nullopt;
  const TimePoint now = SystemClock().now();
  const std::string auth = req.header("authorization");
  std::optional<Principal> p;
  if (auth.rfind("Bearer ", 0) == 0) {
    std::lock_guard lock(handlers_->registry_mu);
    auto key = handlers_->registry->authenticate_api_key(auth.substr(7), now);
    if (!key) return ApiResponse::from(key.status());
    if (*key) p = Principal{(*key)->id, (*key)->name, (*key)->role, false, "", ""};
  } else if (std::string id = cookie(req.header("cookie"), kSessionCookie); !id.empty()) {
    p = handlers_->sessions.find(id, now);
    if (p) {
      std::lock_guard lock(handlers_->registry_mu);
      auto key = handlers_->registry->find_active_api_key(p->key_id);
      if (!key) return ApiResponse::from(key.status());
      if (!*key) {  // revoked since the login
        handlers_->sessions.erase(id);
        p.reset();
      } else {
        p->role = (*key)->role;
      }
    }
  }
  if (!p) {
    auto r = ApiResponse::error(401, "unauthorized", "log in, or send Authorization: Bearer <API key>");
    r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"canarytrap\"");
    return r;
  }
  if (route.access == Access::kAdmin && p->role != "admin") {
    return ApiResponse::error(403, "forbidden", "key '" + p->key_name + "' is a viewer key; this needs an admin key");
  }
  // A cookie is sent by the browser whoever made the page: a mutation must also prove it
  // came from the dashboard, which alone knows the session's CSRF token.
  if (p->via_session && req.method != "GET" && !same_secret(req.header("x-csrf-token"), p->csrf_token)) {
    return ApiResponse::error(403, "csrf", "missing or wrong X-CSRF-Token for this session");
  }
  if (who) *who = *p;
  return std::nullopt;
}

ApiResponse Api::handle(const ApiRequest& req) {
  const RouteSpec* route = nullptr;
  Params params;
  bool path_known = false;
  for (const auto& r : routes()) {
    if (matches(r, r.method, req.path, nullptr)) path_known = true;
    if (matches(r, req.method, req.path, &params)) {
      route = &r;
      break;
    }
  }
  if (!route) {
    if (path_known) return ApiResponse::error(405, "method_not_allowed", req.method + " is not allowed on " + req.path);
    return ApiResponse::error(404, "not_found", "no API route " + req.path);
  }
  Principal who;
  if (auto denied = authorize(req, *route, &who)) return *denied;
  Handlers& h = *handlers_;
  const std::string key = route->method + " " + route->pattern;

  // The scan reads a whole file and must not hold the registry while it does.
  if (key == "POST /api/v1/scan") return h.scan(req);
  if (key == "POST /api/v1/alerts/destinations/{name}/test") return h.test_destination(params);
  if (key == "POST /api/v1/session") return h.login(req);
  if (key == "GET /api/v1/openapi.json") return h.openapi();

  std::lock_guard lock(h.registry_mu);
  if (key == "DELETE /api/v1/session") return h.logout(req, who);
  if (key == "GET /api/v1/me") return h.me(who);
  if (key == "GET /api/v1/summary") return h.summary();
  if (key == "GET /api/v1/copies") return h.copies();
  if (key == "GET /api/v1/canaries") return h.canaries(req);
  if (key == "POST /api/v1/canaries") return h.mint(req);
  if (key == "GET /api/v1/canaries/{id}") return h.canary(params);
  if (key == "GET /api/v1/placements") return h.placements(req);
  if (key == "GET /api/v1/hits") return h.hits(req);
  if (key == "GET /api/v1/incidents") return h.incidents(req);
  if (key == "GET /api/v1/incidents/{id}") return h.incident(params);
  if (key == "POST /api/v1/incidents/{id}/acknowledge") return h.set_incident_state(params, "acknowledged");
  if (key == "POST /api/v1/incidents/{id}/close") return h.set_incident_state(params, "closed");
  if (key == "GET /api/v1/alerts") return h.alerts(req);
  if (key == "GET /api/v1/alerts/destinations") return h.destinations();
  if (key == "POST /api/v1/alerts/{id}/retry") return h.retry_alert(params);
  if (key == "GET /api/v1/stats/hits") return h.hit_stats(req);
  return ApiResponse::error(500, "internal", "route " + key + " has no handler");
}

ApiResponse Api::Handlers::login(const ApiRequest& req) {
  const TimePoint now = SystemClock().now();
  if (auto wait = logins.wait_seconds(req.peer, now); wait > 0) {
    auto r = ApiResponse::error(429, "too_many_attempts", "too many failed logins; try again in " +
                                                              std::to_string(wait) + " s");
    r.headers.emplace_back("Retry-After", std::to_string(wait));
    return r;
  }
  nlohmann::json body;
  if (auto bad = parse_json_body(req, body)) return *bad;
  if (!body.contains("key") || !body["key"].is_string()) {
    return ApiResponse::error(400, "invalid_argument", "the body must be {\"key\": \"<API key>\"}");
  }
  std::optional<ApiKeyRow> key;
  {
    std::lock_guard lock(registry_mu);
    auto found = registry->authenticate_api_key(body["key"].get<std::string>(), now);
    if (!found) return ApiResponse::from(found.status());
    key = *found;
  }
  if (!key) {
    logins.failed(req.peer, now);
    return ApiResponse::error(401, "unauthorized", "unknown or revoked key");
  }
  Principal who = sessions.create({key->id, key->name, key->role, true, "", ""}, now);
  auto r = ApiResponse::json(200, {{"name", who.key_name},
                                   {"role", who.role},
                                   {"csrf_token", who.csrf_token},
                                   {"expires_after_idle_seconds",
                                    std::chrono::duration_cast<std::chrono::seconds>(options.session_ttl).count()}});
  r.headers.emplace_back("Set-Cookie", std::string(kSessionCookie) + "=" + who.session_id +
                                           "; Path=/; HttpOnly; SameSite=Strict" + (req.tls ? "; Secure" : ""));
  return r;
}

ApiResponse Api::Handlers::logout(const ApiRequest& req, const Principal& who) {
  if (who.via_session) sessions.erase(who.session_id);
  auto r = ApiResponse::json(200, {{"logged_out", who.via_session}});
  r.headers.emplace_back("Set-Cookie", std::string(kSessionCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" +
                                           (req.tls ? "; Secure" : ""));
  return r;
}

ApiResponse Api::Handlers::me(const Principal& who) {
  nlohmann::json j = {{"name", who.key_name}, {"role", who.role}, {"via", who.via_session ? "session" : "bearer"}};
  if (who.via_session) j["csrf_token"] = who.csrf_token;
  return ApiResponse::json(200, j);
}

ApiResponse Api::Handlers::openapi() {
  std::ifstream in(options.web_root / "openapi.json", std::ios::binary);
  if (!in) return ApiResponse::error(500, "internal", "openapi.json is missing from " + options.web_root.string());
  std::ostringstream text;
  text << in.rdbuf();
  ApiResponse r;
  r.body = text.str();
  return r;
}

}  // namespace canarytrap::admin
