#include "canarytrap/scan/scan_setup.h"

#include <chrono>
#include <optional>
#include <thread>

namespace canarytrap {

namespace {

// A small page cache: the registry is read once, front to back.
Result<std::unique_ptr<Registry>> open_for_reading(const std::filesystem::path& path) {
  return Registry::open(path, {.create_if_missing = false, .cache_mib = 4});
}

}  // namespace

Result<ScanSetup> ScanSetup::load(const std::filesystem::path& registry_path) {
  const auto start = std::chrono::steady_clock::now();
  // Opened here first, so that a missing or unreadable registry is one error, not two.
  auto index_reg = open_for_reading(registry_path);
  if (!index_reg) return index_reg.status();
  std::optional<Result<AttributionFacts>> facts;
  std::thread facts_thread([&] {
    auto reg = open_for_reading(registry_path);
    if (!reg) {
      facts.emplace(reg.status());
      return;
    }
    facts.emplace(AttributionFacts::load(**reg));
  });
  auto index = NeedleIndex::load_cached(**index_reg, NeedleIndex::cache_path_for(registry_path));
  facts_thread.join();
  if (!index) return index.status();
  if (!*facts) return facts->status();
  ScanSetup setup;
  setup.index = std::move(*index);
  setup.facts = std::move(**facts);
  setup.load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return setup;
}

}  // namespace canarytrap
