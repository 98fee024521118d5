// NeedleIndex from the registry: every needle read through SQLite, or the cache file
// beside the registry when it is still current. Kept apart from the table itself so that
// the table and the matcher build without the store (the scan fuzzer links only those).
#include "canarytrap/scan/needle_index.h"

namespace canarytrap {

Result<NeedleIndex> NeedleIndex::load(Registry& registry) {
  NeedleIndex index;
  auto key = registry.value_mark_key();
  if (!key) return key.status();
  index.set_mark_key(*key);
  auto n = registry.needle_count();
  if (!n) return n.status();
  index.reserve(static_cast<std::size_t>(*n));
  CT_RETURN_IF_ERROR(registry.for_each_needle([&](ScanNeedle&& n) { index.add(n); }));
  index.finish();
  return index;
}

Result<NeedleIndex> NeedleIndex::load_cached(Registry& registry, const std::filesystem::path& cache) {
  // The version first, then the needles: a write in between makes the saved file look
  // older than it is (rebuilt next time), never newer.
  auto version = registry.needles_version();
  if (!version) return version.status();
  NeedleIndex index;
  if (index.read_cache(cache, *version)) return index;
  auto built = load(registry);
  if (!built) return built.status();
  built->write_cache(cache, *version);
  return built;
}

}  // namespace canarytrap
