// libFuzzer target: any bytes as a leaked file, through the scanner's matcher. The input sits
// alone in an allocation of its size, so a read past its end (the sixteen-byte run finders,
// the hash's overlapping loads, the look-behind for escapes) is an ASan report.
// Built and run by scripts/fuzz.sh.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "canarytrap/scan/matcher.h"
#include "support/sample_needles.h"

namespace {

const canarytrap::NeedleIndex& needles() {
  static const canarytrap::NeedleIndex index = canarytrap::NeedleIndex::build(canarytrap::testing::sample_needles());
  return index;
}

// The same needles but the one Latin name: the matcher then skips short words, which must
// change nothing but that name's matches.
const canarytrap::NeedleIndex& needles_without_latin_name() {
  static const canarytrap::NeedleIndex index = [] {
    std::vector<canarytrap::ScanNeedle> n;
    for (const auto& s : canarytrap::testing::sample_needles()) {
      if (s.value != "mary smith|19850309") n.push_back(s);
    }
    return canarytrap::NeedleIndex::build(n);
  }();
  return index;
}

// The same needles and a name written own·father's (canary 4): the matcher then visits every
// run of CJK text, which must change nothing but add that name's matches. (Save one thing: a
// record where that name is found no longer has its words joined into the Latin name, which
// is only done where no name stands as written: the Latin name's matches may be fewer.)
const canarytrap::NeedleIndex& needles_with_dotted_name() {
  static const canarytrap::NeedleIndex index = [] {
    auto n = canarytrap::testing::sample_needles();
    n.push_back({4, "name_dob", "艾尔肯·买买提|19900101"});
    return canarytrap::NeedleIndex::build(n);
  }();
  return index;
}

// The same needles with a value mark key: the sample's IDs, phones and tokens mostly lack the
// mark, so they sit in the index's table of unmarked needles and candidates are filtered by
// the mark and that table, which must change no match.
const canarytrap::NeedleIndex& needles_with_mark() {
  static const canarytrap::NeedleIndex index = canarytrap::NeedleIndex::build(canarytrap::testing::sample_needles(),
                                                                              0x5eed0fca7a57ULL);
  return index;
}

// The same needles and, for each name, 64 namesakes (canary 5) born on other days: the
// names' birth-date bits (NeedleIndex::name_dates) are then all set, where the sample's have
// one, which must change nothing but add the namesakes' matches.
const canarytrap::NeedleIndex& needles_with_namesakes() {
  static const canarytrap::NeedleIndex index = [] {
    auto n = canarytrap::testing::sample_needles();
    for (const auto& s : canarytrap::testing::sample_needles()) {
      if (s.kind != "name_dob") continue;
      const std::string name = s.value.substr(0, s.value.rfind('|'));
      for (int k = 0; k < 64; ++k) {
        char dob[32];
        std::snprintf(dob, sizeof dob, "19%02d%02d%02d", 40 + k % 50, 1 + k % 12, 1 + k % 28);
        n.push_back({5, "name_dob", name + "|" + dob});
      }
    }
    return canarytrap::NeedleIndex::build(n);
  }();
  return index;
}

std::multiset<std::tuple<std::uint64_t, std::uint32_t, int>> as_set(const std::vector<canarytrap::RawMatch>& v,
                                                                    bool without_latin_name) {
  std::multiset<std::tuple<std::uint64_t, std::uint32_t, int>> out;
  for (const auto& m : v) {
    if (without_latin_name && m.canary == 2 && m.kind == canarytrap::NeedleKind::kNameDob) continue;
    out.emplace(m.offset, m.canary, static_cast<int>(m.kind));
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace canarytrap;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  Matcher matcher(needles());
  std::vector<RawMatch> found;
  const std::uint64_t base = 1000;
  const std::uint64_t lines = matcher.scan(input, base, found);
  std::uint64_t newlines = 0;
  for (char c : input) newlines += c == '\n';
  if (lines != newlines) __builtin_trap();
  for (const RawMatch& m : found) {
    if (m.offset < base || m.offset >= base + size || m.line > newlines) __builtin_trap();
    if (m.canary < 1 || m.canary > 3 || m.kind == NeedleKind::kName) __builtin_trap();
    // Reported on the line it stands on, also a name dated lines further down its object.
    std::uint64_t before = 0;
    for (std::size_t i = 0; i < m.offset - base; ++i) before += input[i] == '\n';
    if (m.line != before) __builtin_trap();
  }
  // The same bytes scanned again give the same matches: no state leaks between calls.
  std::vector<RawMatch> again;
  matcher.scan(input, base, again);
  if (again.size() != found.size()) __builtin_trap();
  // Classified the portable way (where the default is AVX-512): the same matches, in order.
  Matcher portable(needles(), BlockCode::kPortable);
  std::vector<RawMatch> portably;
  portable.scan(input, base, portably);
  if (portably != found) __builtin_trap();
  // Filtered by a value mark: the same matches.
  Matcher marked(needles_with_mark());
  std::vector<RawMatch> with_mark;
  marked.scan(input, base, with_mark);
  if (!needles_with_mark().marked(NeedleKind::kDigits) || as_set(with_mark, false) != as_set(found, false)) {
    __builtin_trap();
  }
  // With namesakes: the same matches and theirs.
  Matcher namesakes(needles_with_namesakes());
  std::vector<RawMatch> with_namesakes, not_namesakes;
  namesakes.scan(input, base, with_namesakes);
  for (const RawMatch& m : with_namesakes) {
    if (m.canary == 5 && m.kind != NeedleKind::kNameDob) __builtin_trap();
    if (m.canary != 5) not_namesakes.push_back(m);
  }
  if (as_set(not_namesakes, false) != as_set(found, false)) __builtin_trap();
  // Without a Latin name among the needles: the same matches but that name's.
  Matcher skipping(needles_without_latin_name());
  std::vector<RawMatch> skipped;
  skipping.scan(input, base, skipped);
  if (as_set(skipped, false) != as_set(found, true)) __builtin_trap();
  // With a dotted name among them: the same matches and that name's.
  Matcher dotted(needles_with_dotted_name());
  std::vector<RawMatch> with_dotted, others;
  dotted.scan(input, base, with_dotted);
  for (const RawMatch& m : with_dotted) {
    if (m.offset < base || m.offset >= base + size) __builtin_trap();
    if (m.canary == 4 && m.kind != NeedleKind::kNameDob) __builtin_trap();
    if (m.canary != 4) others.push_back(m);
  }
  const auto latin_name_too = as_set(others, false), without_dotted = as_set(found, false);
  if (as_set(others, true) != as_set(found, true)) __builtin_trap();
  for (const auto& m : latin_name_too) {
    if (!without_dotted.contains(m)) __builtin_trap();
  }
  return 0;
}
