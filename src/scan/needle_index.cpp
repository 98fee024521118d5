#include "canarytrap/scan/needle_index.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

namespace canarytrap {

std::string_view needle_kind_name(NeedleKind k) {
  switch (k) {
    case NeedleKind::kToken: return "token";
    case NeedleKind::kEmail: return "email";
    case NeedleKind::kIdNumber: return "id_number";
    case NeedleKind::kDigits: return "digits";
    case NeedleKind::kNameDob: return "name_dob";
    case NeedleKind::kName: return "name";
  }
  return "?";
}

namespace {

std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 32;
  x *= 0xd6e8feb86659fd93ULL;
  x ^= x >> 32;
  x *= 0xd6e8feb86659fd93ULL;
  x ^= x >> 32;
  return x;
}

// Which table a registry needle kind goes into.
bool kind_of(const std::string& k, NeedleKind& out) {
  if (k == "token") out = NeedleKind::kToken;
  else if (k == "email") out = NeedleKind::kEmail;
  else if (k == "id_number") out = NeedleKind::kIdNumber;
  else if (k == "phone" || k == "ssn" || k == "card") out = NeedleKind::kDigits;
  else if (k == "name_dob") out = NeedleKind::kNameDob;
  else return false;
  return true;
}

}  // namespace

std::uint64_t NeedleIndex::hash(NeedleKind kind, std::string_view s) {
  std::uint64_t h = 0x9E3779B97F4A7C15ULL * (static_cast<std::uint64_t>(kind) + 1) ^ s.size();
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = mix(h ^ w) + 0x632BE59BD9B4E019ULL;
  }
  std::uint64_t tail = 0;
  std::memcpy(&tail, s.data() + i, s.size() - i);
  h = mix(h ^ tail ^ (static_cast<std::uint64_t>(s.size() - i) << 56));
  return h == 0 ? 1 : h;
}

void NeedleIndex::insert(std::uint64_t h, std::uint32_t canary, NeedleKind kind) {
  std::size_t slot = home(h);
  const std::uint32_t packed = canary << 3 | static_cast<std::uint32_t>(kind);
  while (slots_[slot].hash != 0) {
    if (slots_[slot].hash == h && slots_[slot].canary == packed) return;  // the same value twice
    if (++slot == slots_.size()) slot = 0;
  }
  slots_[slot] = {h, packed};
  ++count_;
}

// Sized once, for a load factor of about 0.75: short probe runs, 16 bytes per needle.
void NeedleIndex::reserve(std::size_t needles) {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(std::max<std::size_t>(64, needles + needles / 3 + 1), Slot{});
  count_ = 0;
  for (const Slot& s : old) {
    if (s.hash != 0) insert(s.hash, s.canary >> 3, static_cast<NeedleKind>(s.canary & 7));
  }
}

void NeedleIndex::add(const ScanNeedle& n) {
  NeedleKind kind;
  if (!kind_of(n.kind, kind)) return;
  if ((count_ + queued_count_ + 2) * 10 >= slots_.size() * 9) {  // more than counted
    flush();
    reserve(slots_.size() * 2);
  }
  // Canary ids are the registry's rowids: dense, and far below the 2^29 a slot holds.
  if (n.canary_id <= 0 || n.canary_id >= (std::int64_t{1} << 29)) return;
  const auto index = static_cast<std::uint32_t>(n.canary_id);
  if (n.canary_id != last_canary_) {
    last_canary_ = n.canary_id;
    ++canaries_;
  }
  queue(hash(kind, n.value), index, kind);
  if (kind == NeedleKind::kDigits && n.value.size() < 64) digit_lengths_ |= std::uint64_t{1} << n.value.size();
  // A name_dob needle adds its name alone: the scanner looks for dates only near a name.
  if (kind == NeedleKind::kNameDob) {
    const auto bar = n.value.rfind('|');
    if (bar != std::string::npos && bar > 0) {
      const auto* p = reinterpret_cast<const unsigned char*>(n.value.data());
      if (p[0] >= 0xE0 && p[0] < 0xF0 && bar >= 3) {
        name_starts_[code_of(p)] = true;
      } else {
        name_starts_[p[0]] = true;
      }
      queue(hash(NeedleKind::kName, std::string_view(n.value).substr(0, bar)), index, NeedleKind::kName);
      ++names_;
    }
  }
}

// Inserts go through a small queue: each slot is prefetched when queued and written a few
// dozen inserts later, so that loading a million canaries is not a million cache misses.
void NeedleIndex::queue(std::uint64_t h, std::uint32_t canary, NeedleKind kind) {
  __builtin_prefetch(&slots_[home(h)], 1);
  queued_[queued_count_++] = {h, canary << 3 | static_cast<std::uint32_t>(kind)};
  if (queued_count_ == kQueue) flush();
}

void NeedleIndex::flush() {
  for (std::size_t i = 0; i < queued_count_; ++i) {
    insert(queued_[i].hash, queued_[i].canary >> 3, static_cast<NeedleKind>(queued_[i].canary & 7));
  }
  queued_count_ = 0;
}

NeedleIndex NeedleIndex::build(const std::vector<ScanNeedle>& needles) {
  NeedleIndex index;
  std::size_t n = needles.size();
  for (const auto& x : needles) n += x.kind == "name_dob";
  index.reserve(n);
  for (const ScanNeedle& n : needles) index.add(n);
  index.flush();
  return index;
}

Result<NeedleIndex> NeedleIndex::load(Registry& registry) {
  NeedleIndex index;
  auto n = registry.needle_count();
  if (!n) return n.status();
  index.reserve(static_cast<std::size_t>(*n));
  CT_RETURN_IF_ERROR(registry.for_each_needle([&](ScanNeedle&& n) { index.add(n); }));
  index.flush();
  return index;
}

namespace {

// The cache file: this header, the name-start bitmap (65536 bits), then the slots as they
// are in memory. Native byte order: the file never leaves the machine that wrote it.
struct CacheHeader {
  char magic[8];
  std::int64_t version;  // the registry's needles_version()
  std::uint64_t slot_count, count, names, canaries, digit_lengths, slot_size;
};
constexpr char kCacheMagic[8] = {'C', 'T', 'N', 'E', 'E', 'D', 'L', '1'};

}  // namespace

bool NeedleIndex::read_cache(const std::filesystem::path& cache, std::int64_t version) {
  std::ifstream in(cache, std::ios::binary);
  if (!in) return false;
  CacheHeader h{};
  if (!in.read(reinterpret_cast<char*>(&h), sizeof h)) return false;
  if (std::memcmp(h.magic, kCacheMagic, sizeof kCacheMagic) != 0 || h.version != version ||
      h.slot_size != sizeof(Slot) || h.slot_count == 0 || h.slot_count > (std::uint64_t{1} << 34)) {
    return false;
  }
  std::error_code ec;
  const auto size = std::filesystem::file_size(cache, ec);
  if (ec || size != sizeof h + 65536 / 8 + h.slot_count * sizeof(Slot)) return false;
  std::vector<unsigned char> starts(65536 / 8);
  if (!in.read(reinterpret_cast<char*>(starts.data()), static_cast<std::streamsize>(starts.size()))) return false;
  std::vector<Slot> slots(h.slot_count);
  if (!in.read(reinterpret_cast<char*>(slots.data()), static_cast<std::streamsize>(slots.size() * sizeof(Slot)))) {
    return false;
  }
  slots_ = std::move(slots);
  for (std::size_t i = 0; i < 65536; ++i) name_starts_[i] = starts[i / 8] >> (i % 8) & 1;
  count_ = h.count;
  names_ = h.names;
  canaries_ = h.canaries;
  digit_lengths_ = h.digit_lengths;
  return true;
}

void NeedleIndex::write_cache(const std::filesystem::path& cache, std::int64_t version) const {
  CacheHeader h{};
  std::memcpy(h.magic, kCacheMagic, sizeof kCacheMagic);
  h.version = version;
  h.slot_count = slots_.size();
  h.count = count_;
  h.names = names_;
  h.canaries = canaries_;
  h.digit_lengths = digit_lengths_;
  h.slot_size = sizeof(Slot);
  std::vector<unsigned char> starts(65536 / 8);
  for (std::size_t i = 0; i < 65536; ++i) starts[i / 8] |= static_cast<unsigned char>(name_starts_[i]) << (i % 8);
  // Written beside, then renamed over: a reader sees the old file or the new one, whole.
  const std::filesystem::path tmp = cache.string() + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return;  // a read-only folder: scans just rebuild each time
  bool ok = true;
  const auto put = [&](const void* p, std::size_t n) {
    const char* c = static_cast<const char*>(p);
    while (ok && n > 0) {
      const ssize_t w = ::write(fd, c, n);
      if (w <= 0) {
        ok = false;
        break;
      }
      c += w;
      n -= static_cast<std::size_t>(w);
    }
  };
  put(&h, sizeof h);
  put(starts.data(), starts.size());
  put(slots_.data(), slots_.size() * sizeof(Slot));
  ok = ::close(fd) == 0 && ok;
  std::error_code ec;
  if (ok) std::filesystem::rename(tmp, cache, ec);
  if (!ok || ec) std::filesystem::remove(tmp, ec);
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
