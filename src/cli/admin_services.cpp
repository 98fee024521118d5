#include "admin_services.h"

#include <thread>

#include "canarytrap/alert/dispatcher.h"
#include "canarytrap/alert/webhook_client.h"
#include "canarytrap/core/clock.h"
#include "canarytrap/scan/evidence.h"
#include "canarytrap/scan/scan_setup.h"
#include "canarytrap/scan/report.h"

namespace canarytrap::cli {

AdminServer::Options admin_options(const Config& cfg) {
  AdminServer::Options o;
  o.listen = cfg.listen_admin;
  o.registry = cfg.registry_path;
  o.web_root = cfg.admin_web_root.empty() ? AdminServer::default_web_root() : cfg.admin_web_root;
  o.tls_cert = cfg.admin_tls_cert;
  o.tls_key = cfg.admin_tls_key;
  o.mint = {cfg.zone, cfg.mail_domains, cfg.url_scheme};
  o.upload_limit = cfg.admin_upload_limit;
  o.session_ttl = cfg.admin_session_ttl;
  return o;
}

AdminServices make_admin_services(const Config& cfg, Recorder& recorder) {
  AdminServices s;
  const WebhookOptions webhook{std::chrono::duration_cast<std::chrono::milliseconds>(cfg.alert_timeout),
                               cfg.alert_allow_private, cfg.alert_ca_file.string()};
  const std::vector<AlertDestination> destinations = cfg.alerts;
  s.test_alert = [destinations, webhook](const std::string& name) -> Result<nlohmann::json> {
    for (const auto& d : destinations) {
      if (d.name != name) continue;
      auto r = send_test_alert(d, webhook);
      if (!r) return r.status();
      return nlohmann::json{
          {"id", r->uid}, {"destination", name}, {"delivered", r->delivered}, {"status", r->status}, {"error", r->error}};
    }
    return Status::NotFound("no [[alert]] destination named '" + name + "'");
  };
  s.destinations = [destinations] {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& d : destinations) {
      out.push_back({{"name", d.name},
                     {"kind", d.kind},
                     {"address", d.kind == "jsonl" ? d.url : redact_webhook_url(d.url)},
                     {"copies", d.copies},
                     {"min_confidence", d.min_confidence},
                     {"configured", true}});
    }
    return out;
  };
  const std::filesystem::path registry = cfg.registry_path;
  const auto routes = alert_routes(cfg.alerts);
  const auto quiet_window = cfg.quiet_window;
  s.scan = [registry, routes, quiet_window](const std::filesystem::path& file, const std::string& shown,
                                            bool record) -> Result<nlohmann::json> {
    // Its own connections and index: a scan runs beside the dashboard's other requests.
    auto setup = ScanSetup::load(registry);
    if (!setup) return setup.status();
    ScanMeta meta;
    meta.needles = setup->index.needles();
    meta.load_seconds = setup->load_seconds;
    meta.threads = 1;
    meta.at = SystemClock().now();
    ScanOptions options;
    options.threads = meta.threads;
    options.hash = true;
    Scanner scanner(setup->index, options);
    const auto start = std::chrono::steady_clock::now();
    FileScan scanned = scanner.scan_path(file.string());
    scanned.path = shown;
    ScannedFile f = judge(std::move(scanned), setup->facts, false);
    f.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::vector<ScannedFile> files;
    files.push_back(std::move(f));
    if (record) {
      auto reg = Registry::open(registry, {.create_if_missing = false, .cache_mib = 4});
      if (!reg) return reg.status();
      (*reg)->set_alert_routes(routes);
      CT_RETURN_IF_ERROR((*reg)->insert_hits(scan_hits(files, SystemClock().now()), quiet_window));
    }
    return scan_json(files, meta);
  };
  s.canaries_changed = [&recorder] { recorder.refresh_and_wait(std::chrono::seconds(2)); };
  return s;
}

}  // namespace canarytrap::cli
