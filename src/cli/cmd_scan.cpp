// canarytrap scan FILE|DIR|- ...: find canaries in leaked dumps, name the copy, date the theft.
// Thin: the scan module searches (Matcher), reads (Scanner), attributes and prints.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include "canarytrap/alert/dispatcher.h"
#include "canarytrap/core/clock.h"
#include "canarytrap/scan/evidence.h"
#include "canarytrap/scan/report.h"
#include "canarytrap/scan/scan_setup.h"
#include "command.h"

namespace canarytrap::cli {
namespace {

// Bytes, rate and ETA on stderr, redrawn in place, while a large input is read.
class ProgressBar {
 public:
  ProgressBar(std::uint64_t total, std::atomic<std::uint64_t>& done) : total_(total), done_(done) {
    thread_ = std::thread([this] { run(); });
  }
  ~ProgressBar() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
    std::cerr << "\r\033[K" << std::flush;
  }

 private:
  void run() {
    const auto start = std::chrono::steady_clock::now();
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stop_; })) {
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const double done = static_cast<double>(done_.load());
      const double rate = secs > 0 ? done / secs : 0;
      const double eta = rate > 0 && total_ > done ? (static_cast<double>(total_) - done) / rate : 0;
      char line[160];
      std::snprintf(line, sizeof line, "\r\033[Kscanning: %.0f / %.0f MB, %.0f MB/s, %.0f s left", done / 1e6,
                    static_cast<double>(total_) / 1e6, rate / 1e6, eta);
      std::cerr << line << std::flush;
    }
  }
  std::uint64_t total_;
  std::atomic<std::uint64_t>& done_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
};

class ScanCommand final : public Command {
 public:
  CLI::App* add(CLI::App& app) override {
    auto* sub = app.add_subcommand("scan", "Find canaries in leaked files (any format, gzip/zstd/xz), say which copy leaked and when");
    sub->add_option("inputs", inputs_, "Files, directories (recursively) or - for standard input")->required();
    sub->add_flag("--json", json_, "Print the result as JSON (schema canarytrap.scan.v1, docs/scan.md)");
    sub->add_option("--report", report_, "Also write a self-contained HTML report to this file");
    sub->add_flag("--record", record_, "Record a scan hit per canary found, so incidents and alerts follow");
    sub->add_option("--threads", threads_, "Threads per file (default: one per core)")->check(CLI::Range(1, 256));
    sub->add_flag("--all", every_, "Every match, not just the first per canary per file");
    return sub;
  }

  int run(const GlobalOptions& g) override {
    auto cfg = load(g);
    if (!cfg) return fail(cfg.status());
    auto setup = ScanSetup::load(cfg->registry_path);
    if (!setup) return fail(setup.status());
    const NeedleIndex& index = setup->index;
    const AttributionFacts& facts = setup->facts;
    ScanMeta meta;
    meta.needles = index.needles();
    meta.load_seconds = setup->load_seconds;
    meta.threads = threads_ > 0 ? threads_ : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    meta.at = SystemClock().now();

    std::atomic<std::uint64_t> progress{0};
    ScanOptions options;
    options.threads = meta.threads;
    options.every_match = every_;
    options.hash = record_ || !report_.empty();
    options.progress_bytes = &progress;
    std::uint64_t total = 0;
    for (const auto& in : inputs_) {
      std::error_code ec;
      if (in != "-" && std::filesystem::is_regular_file(in, ec)) total += std::filesystem::file_size(in, ec);
    }
    std::unique_ptr<ProgressBar> bar;
    if (::isatty(STDERR_FILENO) && total > (256u << 20)) bar = std::make_unique<ProgressBar>(total, progress);

    Scanner scanner(index, options);
    std::vector<ScannedFile> files;
    for (const auto& in : inputs_) {
      std::error_code ec;
      std::vector<FileScan> scans;
      const auto start = std::chrono::steady_clock::now();
      if (in != "-" && std::filesystem::is_directory(in, ec)) {
        scans = scanner.scan_tree(in);
      } else {
        scans.push_back(scanner.scan_path(in));
      }
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      for (auto& s : scans) {
        ScannedFile f = judge(std::move(s), facts, every_);
        f.seconds = scans.size() == 1 ? secs : 0;
        files.push_back(std::move(f));
      }
    }
    bar.reset();

    bool any_error = false;
    for (const auto& f : files) {
      if (!f.scan.error.empty()) {
        any_error = true;
        spdlog_error(f.scan.path + ": " + f.scan.error);
      }
    }
    if (record_) {
      auto reg = Registry::open(cfg->registry_path, {.create_if_missing = false, .cache_mib = 4});
      if (!reg) return fail(reg.status().WithContext("--record"));
      if (Status s = record(**reg, *cfg, files); !s.ok()) return fail(s.WithContext("--record"));
    }
    if (!report_.empty()) {
      std::ofstream out(report_, std::ios::binary | std::ios::trunc);
      out << scan_html(files, meta);
      if (!out) return fail(Status::IoError("cannot write the report to " + report_));
    }
    if (json_) {
      print_json(scan_json(files, meta));
    } else {
      for (const auto& f : files) std::cout << scan_text(f);
    }
    return any_error ? kExitFailure : kExitOk;
  }

 private:
  static void spdlog_error(const std::string& message) { (void)fail(Status::IoError(message)); }

  // One `scan` hit per canary found per file, in the way live hits go: incidents open and
  // alerts are queued for `serve` to deliver.
  static Status record(Registry& reg, const Config& cfg, const std::vector<ScannedFile>& files) {
    reg.set_alert_routes(alert_routes(cfg.alerts));
    return reg.insert_hits(scan_hits(files, SystemClock().now()), cfg.quiet_window);
  }

  std::vector<std::string> inputs_;
  std::string report_;
  bool json_ = false, record_ = false, every_ = false;
  int threads_ = 0;
};

}  // namespace

std::unique_ptr<Command> make_scan_command() { return std::make_unique<ScanCommand>(); }

}  // namespace canarytrap::cli
