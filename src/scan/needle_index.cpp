#include "canarytrap/scan/needle_index.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
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

// Which table a registry needle kind goes into.
bool kind_of(const std::string& k, NeedleKind& out) {
  const auto kind = scan_kind_of(k);
  if (!kind) return false;
  out = *kind;
  return true;
}

}  // namespace

void NeedleIndex::insert(std::uint64_t h, std::uint32_t canary, NeedleKind kind) {
  std::size_t slot = home(h);
  const std::uint32_t packed = canary << 3 | static_cast<std::uint32_t>(kind);
  while (slots_[slot].hash != 0) {
    if (slots_[slot].hash == h && slots_[slot].canary == packed) return;  // the same value twice
    if (++slot == slots_.size()) slot = 0;
  }
  slots_[slot] = {h, packed};
  tags_[slot] = tag_of(h);
  ++count_;
}

// Sized once, for a load factor of about 0.75: short probe runs, 16 bytes per needle.
void NeedleIndex::reserve(std::size_t needles) {
  auto old = std::move(slots_);
  slots_.assign(std::max<std::size_t>(64, needles + needles / 3 + 1), Slot{});
  tags_.assign(slots_.size(), 0);
  count_ = 0;
  for (const Slot& s : old) {
    if (s.hash != 0) insert(s.hash, s.canary >> 3, static_cast<NeedleKind>(s.canary & 7));
  }
}

void NeedleIndex::rebuild_tags() {
  tags_.resize(slots_.size());
  for (std::size_t i = 0; i < slots_.size(); ++i) tags_[i] = slots_[i].hash == 0 ? 0 : tag_of(slots_[i].hash);
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
  // A name of several words ("mary smith|19850309") is looked for with its words joined, as
  // the matcher joins "Mary Smith"; a name of two Latin words also by each word alone.
  std::string_view value = n.value;
  std::string joined;
  if (kind == NeedleKind::kNameDob && value.find(' ') != std::string_view::npos) {
    add_name_parts(value.substr(0, value.rfind('|')));
    for (const char c : value) {
      if (c != ' ') joined += c;
    }
    value = joined;
  }
  const std::uint64_t h = hash(kind, value);
  if (has_mark_key_ && marked_kind(kind) && !mark_.carries(h)) unmarked_hashes_[static_cast<unsigned>(kind)].push_back(h);
  queue(h, index, kind);
  if (kind == NeedleKind::kEmail) add_email_domain(value);
  if (kind == NeedleKind::kDigits && value.size() < 64) digit_lengths_ |= std::uint64_t{1} << value.size();
  // A name_dob needle adds its name alone: the scanner looks for dates only near a name.
  if (kind == NeedleKind::kNameDob) {
    const auto bar = value.rfind('|');
    if (bar != std::string::npos && bar > 0) {
      const auto* p = reinterpret_cast<const unsigned char*>(value.data());
      if (p[0] >= 0xE0 && p[0] < 0xF0 && bar >= 3) {
        name_starts_[code_of(p)] = true;
      } else {
        name_starts_[p[0]] = true;
      }
      if (value.substr(0, bar).find("\xC2\xB7") != std::string_view::npos) name_starts_[kMiddleDot] = true;
      add_name(hash(NeedleKind::kName, value.substr(0, bar)), value.substr(bar + 1));
    }
  }
}

// "mary smith": "mary" and "smith", each a word the matcher can find alone (ASCII letters, as
// its words are), kept so that the two found apart can be joined in either order. Names of one
// word or of more than two are found as written only.
void NeedleIndex::add_name_parts(std::string_view name) {
  const auto space = name.find(' ');
  if (space == std::string_view::npos || name.find(' ', space + 1) != std::string_view::npos) return;
  for (const std::string_view part : {name.substr(0, space), name.substr(space + 1)}) {
    if (part.size() < 2 || part.size() > kLongestNamePart) return;
    for (const char c : part) {
      if (c < 'a' || c > 'z') return;
    }
  }
  for (const std::string_view part : {name.substr(0, space), name.substr(space + 1)}) {
    part_hashes_.push_back(hash(NeedleKind::kName, part));
    const std::size_t shape = part_shape(part.data(), part.size());
    part_shapes_[shape >> 6] |= std::uint64_t{1} << (shape & 63);
  }
  part_pairs_.emplace_back(part_hashes_[part_hashes_.size() - 2], part_hashes_.back());
}

void NeedleIndex::add_email_domain(std::string_view email) {
  if (email_domain_count_ > kEmailDomains) return;
  const auto at = email.rfind('@');
  // No '@' (not an address the scanner could ever assemble): filter nothing rather than guess.
  const std::uint64_t h = at == std::string_view::npos ? 0 : hash(NeedleKind::kEmail, email.substr(at + 1));
  for (std::size_t i = 0; i < email_domain_count_; ++i) {
    if (email_domains_[i] == h) return;
  }
  if (h == 0 || email_domain_count_ == kEmailDomains) {
    email_domain_count_ = kEmailDomains + 1;
    return;
  }
  email_domains_[email_domain_count_++] = h;
}

// Names go straight into their table, merged with the same name's (names repeat: a million
// zh_CN canaries have 330,000), which doubles when half full: its home is the 32-bit key, so
// it is placed again from the keys alone. No list of every name, no sort: building the index
// for a million canaries stays under the 200 MB a scan may take, and no slower than before.
// A birth date other than "YYYYMMDD" (a registry written otherwise) sets every bit: its name
// is dated by every date, as without the bits.
void NeedleIndex::add_name(std::uint64_t h, std::string_view ymd) {
  if ((names_ + 1) * 2 > names_table_.size()) {
    auto old = std::move(names_table_);
    names_table_.assign(std::max<std::size_t>(1024, old.size() * 2), NameSlot{});
    for (const NameSlot& x : old) {
      if (x.key != 0) name_slot(x.key) = x;
    }
  }
  NameSlot& slot = name_slot(name_key(h));
  if (slot.key == 0) ++names_;  // (two names of one key, a 32-bit collision, share a slot)
  slot.key = name_key(h);
  slot.dates |= ymd.size() == 8 ? std::uint32_t{1} << date_bit(ymd.data()) : ~std::uint32_t{0};
}

// The slot of this key in the names table: its own, or the empty one where it goes.
NeedleIndex::NameSlot& NeedleIndex::name_slot(std::uint32_t key) {
  std::size_t i = key & (names_table_.size() - 1);
  while (names_table_[i].key != 0 && names_table_[i].key != key) i = (i + 1) & (names_table_.size() - 1);
  return names_table_[i];
}

namespace {

template <typename T>
void sort_unique(std::vector<T>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// Places key_of(item) for each of the distinct `items` into `table` (0 = an empty slot), made a
// power of two of at least `smallest` slots and at most half full (short runs): at
// home_of(item, size), or the first empty slot after it.
template <typename T, typename Table, typename KeyOf, typename HomeOf>
void place(const std::vector<T>& items, std::size_t smallest, Table& table, KeyOf key_of, HomeOf home_of) {
  std::size_t size = smallest;
  while (size < items.size() * 2) size *= 2;
  table.assign(size, 0);
  for (const T& item : items) {
    const std::uint32_t key = key_of(item);
    std::size_t i = home_of(item, size);
    while (table[i] != 0 && table[i] != key) i = (i + 1) & (size - 1);
    table[i] = key;
  }
}

}  // namespace

void NeedleIndex::set_mark_key(std::optional<std::uint64_t> key) {
  has_mark_key_ = key.has_value();
  mark_ = ValueMark(key.value_or(0));
}

void NeedleIndex::finish() {
  flush();
  // The kinds filtered by the mark: all markable ones if their unmarked needles fit the small
  // table, else those with none (a registry planted before marks: none filtered).
  marked_kinds_ = 0;
  std::vector<std::uint64_t> unmarked;
  if (has_mark_key_) {
    std::size_t total = 0;
    for (const auto& v : unmarked_hashes_) total += v.size();
    for (unsigned k = 0; k < 8; ++k) {
      auto& v = unmarked_hashes_[k];
      if (!marked_kind(static_cast<NeedleKind>(k)) || (total > kMostUnmarked && !v.empty())) continue;
      marked_kinds_ |= 1u << k;
      unmarked.insert(unmarked.end(), v.begin(), v.end());
    }
  }
  for (auto& v : unmarked_hashes_) v = {};
  sort_unique(unmarked);
  std::size_t size = 1;
  while (size < unmarked.size() * 2) size *= 2;
  unmarked_table_.assign(unmarked.empty() ? 1 : std::max<std::size_t>(size, 16), 0);
  for (std::uint64_t h : unmarked) {
    std::size_t i = h & (unmarked_table_.size() - 1);
    while (unmarked_table_[i] != 0) i = (i + 1) & (unmarked_table_.size() - 1);
    unmarked_table_[i] = h;
  }
  const auto hash_home = [](std::uint64_t h, std::size_t size) { return static_cast<std::size_t>(h & (size - 1)); };
  if (names_table_.empty()) names_table_.assign(1024, NameSlot{});
  // The words of names: a few hundred distinct ones for a million people (names repeat), so a
  // table that stays in the first-level cache, probed for every word of a dump shaped like
  // one. Names of words beyond kMostPartSlots / 2 distinct ones (no locale has so many) are
  // found as written only.
  sort_unique(part_hashes_);
  if (part_hashes_.size() > kMostPartSlots / 2) part_hashes_.clear();
  place(part_hashes_, 64, parts_table_, name_key, hash_home);
  parts_ = part_hashes_.size();
  std::vector<std::uint32_t> pairs;
  if (parts_ > 0) {
    for (const auto& [first, second] : part_pairs_) pairs.push_back(name_part(first) << 16 | name_part(second));
  }
  sort_unique(pairs);
  place(pairs, 64, pairs_table_, [](std::uint32_t key) { return key; }, pair_home);
  pairs_ = pairs.size();
  part_hashes_ = {};
  part_pairs_ = {};
}

// Inserts go through a small queue: each slot is prefetched when queued and written a few
// dozen inserts later, so that loading a million canaries is not a million cache misses.
void NeedleIndex::queue(std::uint64_t h, std::uint32_t canary, NeedleKind kind) {
  __builtin_prefetch(&slots_[home(h)], 1);
  __builtin_prefetch(&tags_[home(h)], 1);
  queued_[queued_count_++] = {h, canary << 3 | static_cast<std::uint32_t>(kind)};
  if (queued_count_ == kQueue) flush();
}

void NeedleIndex::flush() {
  for (std::size_t i = 0; i < queued_count_; ++i) {
    insert(queued_[i].hash, queued_[i].canary >> 3, static_cast<NeedleKind>(queued_[i].canary & 7));
  }
  queued_count_ = 0;
}

NeedleIndex NeedleIndex::build(const std::vector<ScanNeedle>& needles, std::optional<std::uint64_t> mark_key) {
  NeedleIndex index;
  index.set_mark_key(mark_key);
  index.reserve(needles.size());
  for (const ScanNeedle& n : needles) index.add(n);
  index.finish();
  return index;
}

namespace {

// The cache file: this header, the name-start bitmap (65536 bits), then the slots as they
// are in memory. Native byte order: the file never leaves the machine that wrote it.
struct CacheHeader {
  char magic[8];
  std::int64_t version;  // the registry's needles_version()
  std::uint64_t slot_count, count, names, canaries, digit_lengths, slot_size, name_slots;
  std::uint64_t hash_check;  // hash_check(): a file from a build hashing otherwise is rebuilt
  std::uint64_t email_domain_count;
  std::uint64_t email_domains[NeedleIndex::kEmailDomains];
  std::uint64_t parts, part_slots, pairs, pair_slots;
  std::uint64_t mark_key, marked_kinds, unmarked_slots;
};
std::uint64_t hash_check() { return NeedleIndex::hash(NeedleKind::kEmail, "hash-check@canarytrap.invalid"); }
// 2: names apart, new hash; 3: e-mail needles' domains; 4: the words of names; 5: whether
// names are written with a middle dot (dotted_names); 6: the value mark's key and marked kinds;
// 7: names' birth-date bits.
constexpr char kCacheMagic[8] = {'C', 'T', 'N', 'E', 'E', 'D', 'L', '7'};

}  // namespace

bool NeedleIndex::read_cache(const std::filesystem::path& cache, std::int64_t version) {
  std::ifstream in(cache, std::ios::binary);
  if (!in) return false;
  CacheHeader h{};
  if (!in.read(reinterpret_cast<char*>(&h), sizeof h)) return false;
  if (std::memcmp(h.magic, kCacheMagic, sizeof kCacheMagic) != 0 || h.version != version ||
      h.slot_size != sizeof(Slot) || h.hash_check != hash_check() || h.slot_count == 0 || h.slot_count > (std::uint64_t{1} << 34) ||
      h.name_slots < 1024 || h.name_slots > (std::uint64_t{1} << 34) || (h.name_slots & (h.name_slots - 1)) != 0 ||
      h.email_domain_count > kEmailDomains + 1 || h.part_slots < 64 || h.part_slots > kMostPartSlots ||
      (h.part_slots & (h.part_slots - 1)) != 0 || h.parts >= h.part_slots || h.pair_slots < 64 ||
      h.pair_slots > (std::uint64_t{1} << 32) || (h.pair_slots & (h.pair_slots - 1)) != 0 || h.pairs >= h.pair_slots) {
    return false;
  }
  std::error_code ec;
  const auto size = std::filesystem::file_size(cache, ec);
  if (h.unmarked_slots == 0 || h.unmarked_slots > 2 * kMostUnmarked || (h.unmarked_slots & (h.unmarked_slots - 1)) != 0) {
    return false;
  }
  if (ec || size != sizeof h + 65536 / 8 + h.slot_count * sizeof(Slot) +
                        h.name_slots * sizeof(NameSlot) + (h.part_slots + h.pair_slots) * sizeof(std::uint32_t) +
                        (kPartShapeWords + h.unmarked_slots) * sizeof(std::uint64_t)) {
    return false;
  }
  std::vector<unsigned char> starts(65536 / 8);
  if (!in.read(reinterpret_cast<char*>(starts.data()), static_cast<std::streamsize>(starts.size()))) return false;
  Table<Slot> slots(h.slot_count);
  if (!in.read(reinterpret_cast<char*>(slots.data()), static_cast<std::streamsize>(slots.size() * sizeof(Slot)))) {
    return false;
  }
  Table<NameSlot> names(h.name_slots);
  if (!in.read(reinterpret_cast<char*>(names.data()), static_cast<std::streamsize>(names.size() * sizeof(NameSlot)))) {
    return false;
  }
  std::vector<std::uint32_t> parts(h.part_slots);
  if (!in.read(reinterpret_cast<char*>(parts.data()), static_cast<std::streamsize>(parts.size() * sizeof(std::uint32_t)))) {
    return false;
  }
  std::vector<std::uint32_t> pairs(h.pair_slots);
  if (!in.read(reinterpret_cast<char*>(pairs.data()), static_cast<std::streamsize>(pairs.size() * sizeof(std::uint32_t)))) {
    return false;
  }
  std::vector<std::uint64_t> shapes(kPartShapeWords);
  if (!in.read(reinterpret_cast<char*>(shapes.data()), static_cast<std::streamsize>(shapes.size() * sizeof(std::uint64_t)))) {
    return false;
  }
  std::vector<std::uint64_t> unmarked(h.unmarked_slots);
  if (!in.read(reinterpret_cast<char*>(unmarked.data()), static_cast<std::streamsize>(unmarked.size() * sizeof(std::uint64_t)))) {
    return false;
  }
  if (unmarked.size() > 1 && std::count(unmarked.begin(), unmarked.end(), 0u) == 0) return false;
  // Probes stop at an empty slot: a table without one (a damaged file) would never end one.
  const auto empty_slot = [](const Slot& x) { return x.hash == 0; };
  if (std::none_of(slots.begin(), slots.end(), empty_slot) ||
      std::none_of(names.begin(), names.end(), [](const NameSlot& x) { return x.key == 0; }) ||
      std::count(parts.begin(), parts.end(), 0u) == 0 || std::count(pairs.begin(), pairs.end(), 0u) == 0) {
    return false;
  }
  slots_ = std::move(slots);
  names_table_ = std::move(names);
  parts_table_ = std::move(parts);
  parts_ = h.parts;
  pairs_table_ = std::move(pairs);
  pairs_ = h.pairs;
  part_shapes_ = std::move(shapes);
  rebuild_tags();
  for (std::size_t i = 0; i < 65536; ++i) name_starts_[i] = starts[i / 8] >> (i % 8) & 1;
  count_ = h.count;
  names_ = h.names;
  canaries_ = h.canaries;
  digit_lengths_ = h.digit_lengths;
  email_domain_count_ = h.email_domain_count;
  std::memcpy(email_domains_, h.email_domains, sizeof email_domains_);
  mark_ = ValueMark(h.mark_key);
  marked_kinds_ = static_cast<std::uint32_t>(h.marked_kinds);
  has_mark_key_ = marked_kinds_ != 0;
  unmarked_table_ = std::move(unmarked);
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
  h.name_slots = names_table_.size();
  h.hash_check = hash_check();
  h.email_domain_count = email_domain_count_;
  std::memcpy(h.email_domains, email_domains_, sizeof email_domains_);
  h.parts = parts_;
  h.part_slots = parts_table_.size();
  h.pairs = pairs_;
  h.pair_slots = pairs_table_.size();
  h.mark_key = mark_.key();
  h.marked_kinds = marked_kinds_;
  h.unmarked_slots = unmarked_table_.size();
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
  put(names_table_.data(), names_table_.size() * sizeof(NameSlot));
  put(parts_table_.data(), parts_table_.size() * sizeof(std::uint32_t));
  put(pairs_table_.data(), pairs_table_.size() * sizeof(std::uint32_t));
  put(part_shapes_.data(), part_shapes_.size() * sizeof(std::uint64_t));
  put(unmarked_table_.data(), unmarked_table_.size() * sizeof(std::uint64_t));
  ok = ::close(fd) == 0 && ok;
  std::error_code ec;
  if (ok) std::filesystem::rename(tmp, cache, ec);
  if (!ok || ec) std::filesystem::remove(tmp, ec);
}

}  // namespace canarytrap
