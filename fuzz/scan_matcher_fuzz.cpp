// libFuzzer target: any bytes as a leaked file, through the scanner's matcher. The input sits
// alone in an allocation of its size, so a read past its end (the sixteen-byte run finders,
// the hash's overlapping loads, the look-behind for escapes) is an ASan report.
// Built and run by scripts/fuzz.sh.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string_view>
#include <vector>

#include "canarytrap/scan/matcher.h"
#include "support/sample_needles.h"

namespace {

const canarytrap::NeedleIndex& needles() {
  static const canarytrap::NeedleIndex index = canarytrap::NeedleIndex::build(canarytrap::testing::sample_needles());
  return index;
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
  }
  // The same bytes scanned again give the same matches: no state leaks between calls.
  std::vector<RawMatch> again;
  matcher.scan(input, base, again);
  if (again.size() != found.size()) __builtin_trap();
  return 0;
}
