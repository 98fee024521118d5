// libFuzzer target: any bytes as a leaked file's first bytes and content, through the
// scanner's decoders (scan/decoders.h). Checks that no input crashes or reads out of bounds,
// that decoding in pieces gives what decoding at once gives (pieces end anywhere: inside a
// code unit, a surrogate pair, a GB 18030 character, a compressed block), and that
// transcoded text is valid UTF-8.
// Built and run by scripts/fuzz.sh.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "scan/decoders.h"

namespace {

using canarytrap::scan_input::Decoder;

// Decodes `in` in pieces of `piece` bytes, taking at most `limit` bytes of output a call, as
// the scanner does; the output, and "" or the first error. A call that appends more than
// `limit`, or that neither reads nor writes and still has more to do, is a bug.
std::pair<std::string, std::string> decode(Decoder& d, std::string_view in, std::size_t piece, std::size_t limit) {
  std::string out;
  for (std::size_t at = 0; at < in.size(); at += piece) {
    std::string_view part = in.substr(at, piece);
    do {
      const std::size_t part_before = part.size(), out_before = out.size();
      std::string err = d.decode(part, out, limit);
      if (!err.empty()) return {out, err};
      if (out.size() - out_before > limit && limit != std::string::npos) __builtin_trap();
      // more() may have been a "perhaps" (the output filled up just as the input ran out),
      // but a call that does nothing must leave nothing to do.
      if (part.size() == part_before && out.size() == out_before && (!part.empty() || d.more())) __builtin_trap();
      if (out.size() > (std::size_t{64} << 20)) return {out, "too large"};  // a compression bomb: enough
    } while (!part.empty() || d.more());
  }
  return {out, d.finish()};
}

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace canarytrap::scan_input;
  if (size == 0) return 0;
  // The first byte picks the piece size and the output limit; the rest is the input.
  const std::size_t piece = 1 + data[0] % 7;
  const std::size_t limits[] = {1, 7, 4096, 1 << 20};
  const std::size_t limit = limits[data[0] >> 3 & 3];
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::string compression = compression_of(data + 1, size - 1);
  if (auto d = decoder_for(compression)) {
    auto whole = decode(*d, input, input.size() + 1, std::size_t{1} << 20);
    auto d2 = decoder_for(compression);
    auto pieces = decode(*d2, input, piece, limit);
    // The same bytes, whichever way they came.
    if (whole.second.empty() && pieces.second.empty() && whole.first != pieces.first) __builtin_trap();
  }
  const std::string encoding = text_encoding_of(input);
  if (encoding != "" && encoding != "utf-16le" && encoding != "utf-16be" && encoding != "gb18030") __builtin_trap();
  for (const char* e : {"utf-16le", "utf-16be", "gb18030"}) {
    auto whole = decode(*transcoder_for(e), input, input.size() + 1, std::string::npos);
    auto pieces = decode(*transcoder_for(e), input, piece, std::string::npos);
    if (!whole.second.empty() || whole.first != pieces.first || !valid_utf8(whole.first)) __builtin_trap();
  }
  return 0;
}
