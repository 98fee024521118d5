// The /api/v1 routes, independent of sockets: a request in, a response out. The admin
// server's sessions parse HTTP into an ApiRequest and write the ApiResponse back; everything
// between (authentication, roles, CSRF, the registry) happens here.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "canarytrap/admin/admin_server.h"
#include "canarytrap/store/registry.h"
#include "sessions.h"

namespace canarytrap::admin {

struct ApiRequest {
  std::string method;                           // GET POST DELETE ...
  std::string path;                             // percent-decoded, without the query
  std::multimap<std::string, std::string> query;
  std::map<std::string, std::string> headers;   // names lower-case
  std::string body;                             // small bodies (JSON)
  std::filesystem::path body_file;              // an upload, already on disk
  std::string peer;                             // the client's IP address
  bool tls = false;

  std::string header(const std::string& name) const;
  std::optional<std::string> param(const std::string& name) const;  // first query value
};

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static ApiResponse json(int status, const nlohmann::json& j);
  static ApiResponse error(int status, const std::string& code, const std::string& message);
  static ApiResponse from(const Status& s);  // the HTTP status a failed Status maps to
};

enum class Access { kPublic, kViewer, kAdmin };

// One route as the OpenAPI document lists it: method and path with {parameters}.
struct RouteSpec {
  std::string method;
  std::string pattern;
  Access access;
  bool upload = false;  // the body may be a file (streamed to disk, up to the upload limit)
};

class Api {
 public:
  Api(AdminServer::Options options, AdminServices services, std::unique_ptr<Registry> registry);
  ~Api();

  // Every route, for the server (upload bodies) and the test that checks the OpenAPI document.
  static const std::vector<RouteSpec>& routes();
  // The route a request is for, if any (uploads are recognised before their body is read).
  static const RouteSpec* match(const std::string& method, const std::string& path);
  // Whether the request's credentials allow the route; an empty optional means yes. Checked
  // before an upload's body is read.
  std::optional<ApiResponse> authorize(const ApiRequest& req, const RouteSpec& route, Principal* who);

  ApiResponse handle(const ApiRequest& req);

  struct Handlers;

 private:
  std::unique_ptr<Handlers> handlers_;
};

}  // namespace canarytrap::admin
