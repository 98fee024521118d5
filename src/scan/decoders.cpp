#include "decoders.h"

#include <iconv.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

namespace canarytrap::scan_input {

namespace {

// Output is made in steps of at most this much.
constexpr std::size_t kStep = 256 * 1024;

class GzipDecoder final : public Decoder {
 public:
  GzipDecoder() { inflateInit2(&z_, 15 + 32); }
  ~GzipDecoder() override { inflateEnd(&z_); }
  std::string decode(std::string_view& in, std::string& out, std::size_t limit) override {
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z_.avail_in = static_cast<uInt>(in.size());
    std::string err;
    std::size_t added = 0;
    while (added < limit && (z_.avail_in > 0 || more_)) {
      if (ended_) {  // another gzip member follows (pigz, concatenated files)
        inflateReset(&z_);
        ended_ = false;
      }
      const std::size_t room = std::min(kStep, limit - added), old = out.size();
      out.resize(old + room);
      z_.next_out = reinterpret_cast<Bytef*>(out.data() + old);
      z_.avail_out = static_cast<uInt>(room);
      const int rc = inflate(&z_, Z_NO_FLUSH);
      out.resize(old + room - z_.avail_out);
      added += room - z_.avail_out;
      more_ = z_.avail_out == 0;  // the output filled up: more may be waiting
      if (rc == Z_STREAM_END) {
        ended_ = true;
        more_ = false;
      } else if (rc == Z_BUF_ERROR) {  // nothing more to do with this input
        more_ = false;
        break;
      } else if (rc != Z_OK) {
        err = std::string("corrupt gzip data (") + (z_.msg ? z_.msg : "inflate failed") + ")";
        break;
      }
    }
    in.remove_prefix(in.size() - z_.avail_in);
    return err;
  }
  bool more() const override { return more_; }
  std::string finish() override { return ended_ ? "" : "truncated gzip data"; }

 private:
  z_stream z_{};
  bool ended_ = false, more_ = false;
};

class ZstdDecoder final : public Decoder {
 public:
  ZstdDecoder() : d_(ZSTD_createDStream()) { ZSTD_initDStream(d_); }
  ~ZstdDecoder() override { ZSTD_freeDStream(d_); }
  std::string decode(std::string_view& in, std::string& out, std::size_t limit) override {
    ZSTD_inBuffer input{in.data(), in.size(), 0};
    std::string err;
    std::size_t added = 0;
    while (added < limit && (input.pos < input.size || more_)) {
      const std::size_t room = std::min(kStep, limit - added), old = out.size();
      out.resize(old + room);
      ZSTD_outBuffer output{out.data() + old, room, 0};
      last_ = ZSTD_decompressStream(d_, &output, &input);
      out.resize(old + output.pos);
      added += output.pos;
      // A full buffer may leave more to flush, unless it held the end of a frame (0): called
      // again with no input, zstd would begin the next frame and wait for its header.
      more_ = output.pos == output.size && last_ != 0;
      if (ZSTD_isError(last_)) {
        err = std::string("corrupt zstd data (") + ZSTD_getErrorName(last_) + ")";
        more_ = false;
        break;
      }
    }
    in.remove_prefix(input.pos);
    return err;
  }
  bool more() const override { return more_; }
  std::string finish() override { return last_ == 0 ? "" : "truncated zstd data"; }

 private:
  ZSTD_DStream* d_;
  std::size_t last_ = 1;
  bool more_ = false;
};

class XzDecoder final : public Decoder {
 public:
  XzDecoder() { init_ = lzma_stream_decoder(&s_, UINT64_MAX, LZMA_CONCATENATED); }
  ~XzDecoder() override { lzma_end(&s_); }
  std::string decode(std::string_view& in, std::string& out, std::size_t limit) override {
    if (init_ != LZMA_OK) return "cannot start the xz decoder";
    s_.next_in = reinterpret_cast<const uint8_t*>(in.data());
    s_.avail_in = in.size();
    std::string err;
    std::size_t added = 0;
    while (added < limit && (s_.avail_in > 0 || more_)) {
      const std::size_t room = std::min(kStep, limit - added), old = out.size();
      out.resize(old + room);
      s_.next_out = reinterpret_cast<uint8_t*>(out.data() + old);
      s_.avail_out = room;
      const lzma_ret rc = lzma_code(&s_, LZMA_RUN);
      out.resize(old + room - s_.avail_out);
      added += room - s_.avail_out;
      more_ = s_.avail_out == 0;
      if (rc == LZMA_STREAM_END) {
        ended_ = true;
        more_ = false;
        break;
      }
      if (rc != LZMA_OK) {
        err = "corrupt xz data (lzma error " + std::to_string(static_cast<int>(rc)) + ")";
        more_ = false;
        break;
      }
    }
    in.remove_prefix(in.size() - s_.avail_in);
    return err;
  }
  bool more() const override { return more_; }
  // The input has ended: with concatenated streams allowed, only now does xz say whether the
  // last one was whole. (All its data came out while decoding.)
  std::string finish() override {
    if (init_ != LZMA_OK) return "cannot start the xz decoder";
    if (ended_) return "";
    s_.next_in = nullptr;
    s_.avail_in = 0;
    std::uint8_t scratch[4096];
    for (;;) {
      s_.next_out = scratch;
      s_.avail_out = sizeof scratch;
      const lzma_ret rc = lzma_code(&s_, LZMA_FINISH);
      if (rc == LZMA_STREAM_END) return "";
      if (rc == LZMA_BUF_ERROR) return "truncated xz data";
      if (rc != LZMA_OK) return "corrupt xz data (lzma error " + std::to_string(static_cast<int>(rc)) + ")";
    }
  }

 private:
  lzma_stream s_ = LZMA_STREAM_INIT;
  lzma_ret init_ = LZMA_OK;
  bool ended_ = false, more_ = false;
};

// UTF-16 to UTF-8, either byte order. A piece may end inside a code unit or between the two
// halves of a surrogate pair: both are carried to the next.
class Utf16Decoder final : public Decoder {
 public:
  explicit Utf16Decoder(bool big_endian) : big_endian_(big_endian) {}
  // Reads all of `in`: what it writes is at most one and a half times as long.
  std::string decode(std::string_view& in, std::string& out, std::size_t /*limit*/) override {
    std::size_t i = 0;
    if (has_odd_byte_ && !in.empty()) {
      unit(pair(odd_byte_, static_cast<unsigned char>(in[0])), out);
      has_odd_byte_ = false;
      i = 1;
    }
    out.reserve(out.size() + (in.size() - i) / 2 * 3);
    for (; i + 2 <= in.size(); i += 2) {
      unit(pair(static_cast<unsigned char>(in[i]), static_cast<unsigned char>(in[i + 1])), out);
    }
    if (i < in.size()) {
      odd_byte_ = static_cast<unsigned char>(in[i]);
      has_odd_byte_ = true;
    }
    in = {};
    return "";
  }
  // Not an error: a text cut short is still scanned. A last odd byte or high surrogate, half
  // of a character, is dropped.
  std::string finish() override { return ""; }

 private:
  std::uint32_t pair(unsigned char a, unsigned char b) const {
    return big_endian_ ? (std::uint32_t{a} << 8 | b) : (std::uint32_t{b} << 8 | a);
  }
  void unit(std::uint32_t u, std::string& out) {
    const bool first = first_;
    first_ = false;
    if (high_ != 0) {
      if (u >= 0xDC00 && u <= 0xDFFF) {
        append(0x10000 + ((high_ - 0xD800) << 10) + (u - 0xDC00), out);
        high_ = 0;
        return;
      }
      append(0xFFFD, out);  // a high surrogate with no low one after it
      high_ = 0;
    }
    if (u >= 0xD800 && u <= 0xDBFF) {
      high_ = u;
    } else if (u >= 0xDC00 && u <= 0xDFFF) {
      append(0xFFFD, out);
    } else if (!(first && u == 0xFEFF)) {
      append(u, out);
    }
  }
  static void append(std::uint32_t c, std::string& out) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | c >> 6);
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | c >> 12);
      out += static_cast<char>(0x80 | (c >> 6 & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | c >> 18);
      out += static_cast<char>(0x80 | (c >> 12 & 0x3F));
      out += static_cast<char>(0x80 | (c >> 6 & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }

  bool big_endian_;
  bool first_ = true;
  bool has_odd_byte_ = false;
  unsigned char odd_byte_ = 0;
  std::uint32_t high_ = 0;  // a high surrogate waiting for its low half
};

// GB 18030 (and so GBK and GB 2312, its subsets) to UTF-8 through glibc's iconv. A piece may
// end inside a character: its first bytes are carried to the next. A byte that starts no
// character becomes U+FFFD.
class Gb18030Decoder final : public Decoder {
 public:
  Gb18030Decoder() : cd_(iconv_open("UTF-8", "GB18030")) {}
  ~Gb18030Decoder() override {
    if (cd_ != kNone) iconv_close(cd_);
  }
  Gb18030Decoder(const Gb18030Decoder&) = delete;
  Gb18030Decoder& operator=(const Gb18030Decoder&) = delete;
  // False where iconv has no GB 18030 (libc6 ships it; a trimmed system might not).
  bool ok() const { return cd_ != kNone; }

  // Reads all of `in`: what it writes is at most three times as long.
  std::string decode(std::string_view& in, std::string& out, std::size_t /*limit*/) override {
    if (cd_ == kNone) return "cannot start the GB 18030 decoder (iconv)";
    if (carry_.empty()) {
      convert(in, out);
    } else {
      const std::string joined = carry_ + std::string(in);
      carry_.clear();
      convert(joined, out);
    }
    in = {};
    return "";
  }
  // Not an error: a text cut short is still scanned; half a character at its end is dropped.
  std::string finish() override { return ""; }

 private:
  static inline const iconv_t kNone = reinterpret_cast<iconv_t>(-1);

  // Appends `src` in UTF-8 to `out`: one allocation, every byte at most three (a byte no
  // character starts with becomes U+FFFD's three).
  void convert(std::string_view src, std::string& out) {
    char* from = const_cast<char*>(src.data());
    std::size_t from_left = src.size();
    std::size_t used = out.size();
    out.resize(used + from_left * 3 + 16);
    while (from_left > 0) {
      char* to = out.data() + used;
      std::size_t to_left = out.size() - used;
      const std::size_t rc = iconv(cd_, &from, &from_left, &to, &to_left);
      used = out.size() - to_left;
      if (rc != static_cast<std::size_t>(-1)) break;
      if (errno == EILSEQ) {  // no character starts here
        std::memcpy(out.data() + used, "\xEF\xBF\xBD", 3);
        used += 3;
        ++from;
        --from_left;
      } else if (errno == EINVAL) {  // a character cut by the end of the piece
        carry_.assign(from, from_left);
        break;
      } else if (errno == E2BIG) {  // not expected, but then more room
        out.resize(out.size() + from_left * 3 + 16);
      } else {
        break;
      }
    }
    out.resize(used);
  }

  iconv_t cd_;
  std::string carry_;
};

bool ascii_text_byte(unsigned char c) { return (c >= 0x20 && c < 0x7F) || c == '\t' || c == '\n' || c == '\r'; }

// Whether `s` is UTF-8, but for a character cut by its end.
bool utf8_text(const unsigned char* p, std::size_t n) {
  for (std::size_t i = 0; i < n;) {
    const unsigned char c = p[i];
    const std::size_t len = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (len == 0) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if (i + k == n) return true;
      if ((p[i + k] & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

// Whether `p` reads as Chinese text in GB 18030 (GBK, GB 2312): text bytes, every byte >= 0x80
// starting a two- or four-byte character, and at least four fifths of those characters in GB
// 2312's rows of hanzi and symbols (both bytes A1-FE), as Chinese text is. Latin-1 text, where
// an accented letter is followed by an ASCII one, is not.
bool gb18030_text(const unsigned char* p, std::size_t n) {
  std::size_t chars = 0, gb2312 = 0;
  for (std::size_t i = 0; i < n;) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      if (!ascii_text_byte(c) && c != 0x7F) return false;
      ++i;
      continue;
    }
    if (c == 0x80 || c == 0xFF) return false;
    if (i + 1 == n) break;  // cut by the end of the head
    const unsigned char t = p[i + 1];
    if (t >= 0x30 && t <= 0x39) {
      if (i + 3 >= n) break;
      if (p[i + 2] < 0x81 || p[i + 2] == 0xFF || p[i + 3] < 0x30 || p[i + 3] > 0x39) return false;
      ++chars;
      i += 4;
      continue;
    }
    if (t < 0x40 || t == 0x7F || t == 0xFF) return false;
    ++chars;
    gb2312 += c >= 0xA1 && t >= 0xA1;
    i += 2;
  }
  return chars >= 4 && gb2312 * 5 >= chars * 4;
}

}  // namespace

std::string compression_of(const unsigned char* p, std::size_t n) {
  if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b) return "gzip";
  if (n >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd) return "zstd";
  if (n >= 6 && std::memcmp(p, "\xfd" "7zXZ\0", 6) == 0) return "xz";
  return "";
}

std::unique_ptr<Decoder> decoder_for(const std::string& kind) {
  if (kind == "gzip") return std::make_unique<GzipDecoder>();
  if (kind == "zstd") return std::make_unique<ZstdDecoder>();
  if (kind == "xz") return std::make_unique<XzDecoder>();
  return nullptr;
}

std::string text_encoding_of(std::string_view head) {
  const auto* p = reinterpret_cast<const unsigned char*>(head.data());
  const std::size_t n = std::min(head.size(), kSniffBytes);
  if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE) return "utf-16le";
  if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF) return "utf-16be";
  const std::size_t pairs = n / 2;
  std::size_t le = 0, be = 0, nuls = 0;
  for (std::size_t k = 0; k < pairs; ++k) {
    const unsigned char a = p[2 * k], b = p[2 * k + 1];
    if (a == 0 && b == 0) return "";  // binary
    le += b == 0 && ascii_text_byte(a);
    be += a == 0 && ascii_text_byte(b);
    nuls += a == 0 || b == 0;
  }
  // The other order's count is not zero in real text: "一" is 00 4E in UTF-16LE.
  if (pairs >= 16 && le * 3 >= pairs && be * 16 <= le) return "utf-16le";
  if (pairs >= 16 && be * 3 >= pairs && le * 16 <= be) return "utf-16be";
  if (nuls == 0 && !utf8_text(p, n) && gb18030_text(p, n)) return "gb18030";
  return "";
}

std::unique_ptr<Decoder> transcoder_for(const std::string& encoding) {
  if (encoding == "utf-16le") return std::make_unique<Utf16Decoder>(false);
  if (encoding == "utf-16be") return std::make_unique<Utf16Decoder>(true);
  if (encoding == "gb18030") {
    auto d = std::make_unique<Gb18030Decoder>();
    if (d->ok()) return d;  // else scanned as the bytes it is, as before there was a decoder
  }
  return nullptr;
}

}  // namespace canarytrap::scan_input
