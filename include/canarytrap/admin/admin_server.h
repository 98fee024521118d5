// The admin listener: the authenticated JSON API under /api/v1/ and the dashboard's static
// files (web/), on an address of its own, never on the public listeners.
//
// Who may do what: every /api/v1 route but the login and the OpenAPI document needs an API
// key (`canarytrap keys create`), given as `Authorization: Bearer <key>` or as the session
// cookie the dashboard gets by logging in with one. Viewer keys read; admin keys also
// change things (mint, acknowledge, retry, scan). A mutation made with the session cookie
// must carry the session's CSRF token in `X-CSRF-Token`. Failed logins are rate-limited per
// client address. docs/api.md and web/openapi.json describe the routes.
//
// What the admin module cannot do itself is handed in by its owner (`serve`) as services:
// sending a test alert (the alert module) and scanning a file (the scan module), and telling
// the recorder that new canaries exist.
//
//   AdminServer::Options o{.listen = "127.0.0.1:8081", .registry = "canarytrap.db", ...};
//   auto server = AdminServer::start(std::move(o), services);   // its own threads
//   ...
//   (*server)->stop();
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "canarytrap/core/status.h"
#include "canarytrap/core/trigger_values.h"

namespace canarytrap {

struct AdminServices {
  // Sends a test alert to the named destination; the JSON says whether it was delivered.
  std::function<Result<nlohmann::json>(const std::string& destination)> test_alert;
  // The configured alert destinations (name, kind, redacted address), for the dashboard.
  std::function<nlohmann::json()> destinations;
  // Scans one file and returns the canarytrap.scan.v1 document; `record` adds scan hits.
  std::function<Result<nlohmann::json>(const std::filesystem::path& file, const std::string& shown_as, bool record)>
      scan;
  // Called after canaries were minted, so that the listeners know their triggers at once.
  std::function<void()> canaries_changed;
};

class AdminServer {
 public:
  struct Options {
    std::string listen;                        // host:port
    std::filesystem::path registry;
    std::filesystem::path web_root;            // the dashboard's files
    std::filesystem::path tls_cert, tls_key;   // HTTPS when both are set
    MintSettings mint;                         // for minting from the dashboard
    std::uint64_t upload_limit = std::uint64_t{1} << 30;
    std::chrono::microseconds session_ttl{std::chrono::hours(12)};
    int threads = 2;                           // request handlers (a scan occupies one)
  };

  static Result<std::unique_ptr<AdminServer>> start(Options options, AdminServices services);
  ~AdminServer();
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  // The address actually bound (port 0 in the options picks a free one).
  std::string address() const;
  void stop();

  // Where the dashboard's files are when admin.web_root is not set: installed beside the
  // binary (<prefix>/share/canarytrap/web), else the source tree this binary was built from.
  static std::filesystem::path default_web_root();

  struct Impl;

 private:
  explicit AdminServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace canarytrap
