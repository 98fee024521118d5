// canarytrap serve: the public listeners and the recorder, until SIGTERM or SIGINT.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/spdlog.h>

#include <csignal>
#include <functional>
#include <thread>

#include "admin_services.h"
#include "canarytrap/alert/dispatcher.h"
#include "canarytrap/listen/listeners.h"
#include "canarytrap/record/recorder.h"
#include "command.h"
#include "metrics_text.h"

namespace canarytrap::cli {
namespace {

class ServeCommand final : public Command {
 public:
  CLI::App* add(CLI::App& app) override {
    auto* sub = app.add_subcommand("serve", "Run the DNS, HTTP(S) and SMTP listeners and record every trigger hit");
    sub->add_option("--dns", dns_, "DNS listen address, UDP and TCP (overrides listen.dns; \"\" turns it off)");
    sub->add_option("--http", http_, "HTTP listen address (overrides listen.http)");
    sub->add_option("--https", https_, "HTTPS listen address (overrides listen.https)");
    sub->add_option("--smtp", smtp_, "SMTP listen address (overrides listen.smtp)");
    sub->add_option("--metrics", metrics_, "/metrics and /healthz listen address (overrides listen.metrics)");
    sub->add_option("--admin", admin_, "Dashboard and /api/v1 listen address (overrides listen.admin; \"\" turns it off)");
    sub->add_option("--threads", threads_, "I/O threads (default: one per core)")->check(CLI::Range(1, 256));
    return sub;
  }

  int run(const GlobalOptions& g) override {
    Overrides flags;
    if (dns_) flags["listen.dns"] = *dns_;
    if (http_) flags["listen.http"] = *http_;
    if (https_) flags["listen.https"] = *https_;
    if (smtp_) flags["listen.smtp"] = *smtp_;
    if (metrics_) flags["listen.metrics"] = *metrics_;
    if (admin_) flags["listen.admin"] = *admin_;
    auto cfg = load(g, flags);
    if (!cfg) return fail(cfg.status());
    // A file size limit reached (or a quota) must fail the write, which the recorder retries,
    // not kill the process with SIGXFSZ.
    std::signal(SIGXFSZ, SIG_IGN);
    auto recorder = Recorder::start({.registry = cfg->registry_path,
                                     .incident_quiet_window = cfg->quiet_window,
                                     .hit_log = cfg->log_hits,
                                     .alert_routes = alert_routes(cfg->alerts)});
    if (!recorder) return fail(recorder.status());
    // The dispatcher runs whenever the outbox may hold something: with no destinations
    // configured, alerts written earlier for removed ones are marked failed, visibly.
    AlertDispatcher::Options dispatch;
    dispatch.registry = cfg->registry_path;
    dispatch.destinations = cfg->alerts;
    dispatch.digest_interval = cfg->alert_digest_interval;
    dispatch.max_age = cfg->alert_max_age;
    dispatch.max_delay = cfg->alert_retry_max_delay;
    dispatch.dashboard_url = cfg->dashboard_url;
    dispatch.webhook = {std::chrono::duration_cast<std::chrono::milliseconds>(cfg->alert_timeout),
                        cfg->alert_allow_private, cfg->alert_ca_file.string()};
    dispatch.concurrency = cfg->alert_concurrency;
    auto dispatcher = AlertDispatcher::start(std::move(dispatch));
    if (!dispatcher) return fail(dispatcher.status().WithContext("alerts"));
    dispatcher_ = dispatcher->get();

    // The admin listener has threads of its own: a slow scan upload never holds up a hit.
    std::unique_ptr<AdminServer> admin;
    if (!cfg->listen_admin.empty()) {
      auto started = AdminServer::start(admin_options(*cfg), make_admin_services(*cfg, **recorder));
      if (!started) {
        (*recorder)->stop();
        (*dispatcher)->stop();
        return fail(started.status());
      }
      admin = std::move(*started);
      dashboard_ = (cfg->admin_tls_cert.empty() ? "http://" : "https://") + admin->address() + "/";
    }

    const int threads = threads_ > 0 ? threads_ : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    // Scoped so that the io_context, and with it every session still pending, is gone before
    // the recorder stops: a session ending late (an SMTP transaction abandoned by shutdown)
    // still reaches a running recorder.
    const int status = listen_until_signal(*cfg, threads, **recorder);
    if (admin) admin->stop();
    (*recorder)->stop();
    // After the recorder: its last group commit may have written alerts; one more round of
    // the dispatcher is not waited for (they are in the outbox for the next start).
    (*dispatcher)->stop();
    if (status != kExitOk) return status;
    const auto& st = (*recorder)->stats();
    spdlog::info("stopped: {} observations, {} hits written, {} dropped", st.observed.load(), st.written.load(),
                 st.dropped.load());
    return status;
  }

 private:
  int listen_until_signal(const Config& cfg_in, int threads, Recorder& recorder) {
    const Config* cfg = &cfg_in;
    // One io_context per thread (concurrency hint 1: no cross-thread hand-offs).
    std::vector<std::unique_ptr<boost::asio::io_context>> contexts;
    std::vector<boost::asio::io_context*> ios;
    for (int i = 0; i < threads; ++i) {
      contexts.push_back(std::make_unique<boost::asio::io_context>(1));
      ios.push_back(contexts.back().get());
    }
    boost::asio::io_context& io = *ios.front();
    ListenerConfig lc = listener_config_from(*cfg);
    lc.threads = threads;
    const Listeners* live = nullptr;  // set once started; /metrics is only served after that
    lc.metrics_render = [&live, &recorder, this] {
      static const ListenerStats kNone;
      return metrics_text(live ? live->stats() : kNone, recorder.stats(), dispatcher_ ? &dispatcher_->stats() : nullptr);
    };
    // Signals are caught from before the ports open: a SIGTERM sent as soon as they answer
    // must stop serve cleanly, not kill it (asio queues it until the wait below).
    boost::asio::signal_set signals(io, SIGINT, SIGTERM, SIGHUP);
    auto listeners = Listeners::start(ios, lc, recorder);
    if (!listeners) return fail(listeners.status());
    live = listeners->get();
    spdlog::info("listening: dns {} (udp+tcp), http {}, https {}, smtp {}, metrics {}; zone {}; {} triggers indexed",
                 or_off(lc.dns), or_off(lc.http), or_off(lc.https), or_off(lc.smtp), or_off(lc.metrics), cfg->zone,
                 recorder.stats().triggers_indexed.load());
    if (!dashboard_.empty()) {
      spdlog::info("dashboard and API on {} (log in with a key: canarytrap keys create --name NAME --role admin)",
                   dashboard_);
    }

    std::function<void(const boost::system::error_code&, int)> on_signal = [&](const boost::system::error_code& ec,
                                                                              int signo) {
      if (ec) return;
      if (signo == SIGHUP) {
        // Reload what can change under a running server: certificates (renewed by certbot)
        // and the trigger index (canaries minted elsewhere). Connections stay open.
        Status s = (*listeners)->reload_tls();
        if (s.ok()) {
          spdlog::info("SIGHUP: certificates and trigger index reloaded");
        } else {
          spdlog::error("SIGHUP: keeping the current certificate: {}", s.message());
        }
        recorder.refresh_now();
        signals.async_wait(on_signal);
        return;
      }
      spdlog::info("{}: stopping listeners, writing queued hits", signo == SIGTERM ? "SIGTERM" : "SIGINT");
      // The threads stop first; the sockets close after they are joined (listeners->reset()
      // below): closing another thread's acceptor here raced with its accept handler.
      for (auto* each : ios) each->stop();
    };
    signals.async_wait(on_signal);
    std::vector<std::thread> pool;
    for (int i = 1; i < threads; ++i) pool.emplace_back([each = ios[static_cast<std::size_t>(i)]] { each->run(); });
    io.run();
    for (auto& t : pool) t.join();
    listeners->reset();  // closes the sockets, now that no thread runs them; before their io_context
    return kExitOk;
  }

  static std::string or_off(const std::string& s) { return s.empty() ? "off" : s; }

  std::optional<std::string> dns_, http_, https_, smtp_, metrics_, admin_;
  AlertDispatcher* dispatcher_ = nullptr;
  std::string dashboard_;  // the admin listener's URL, once it runs
  int threads_ = 0;
};

}  // namespace

std::unique_ptr<Command> make_serve_command() { return std::make_unique<ServeCommand>(); }

}  // namespace canarytrap::cli
