#include "canarytrap/core/secure_random.h"

#include <openssl/rand.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace canarytrap {

namespace {

void fill_or_abort(std::uint8_t* out, std::size_t n) {
  while (n > 0) {
    const int chunk = static_cast<int>(n > (1u << 20) ? (1u << 20) : n);
    if (RAND_bytes(out, chunk) != 1) {
      std::fputs("canarytrap: fatal: OpenSSL RAND_bytes failed; refusing to continue without a CSPRNG\n", stderr);
      std::abort();
    }
    out += chunk;
    n -= static_cast<std::size_t>(chunk);
  }
}

// A per-thread buffer: RAND_bytes has a per-call cost that dominates for 8-byte draws.
struct ByteBuffer {
  std::array<std::uint8_t, 4096> bytes;
  std::size_t pos = bytes.size();

  void take(std::uint8_t* out, std::size_t n) {
    if (n > bytes.size()) {
      fill_or_abort(out, n);
      return;
    }
    if (bytes.size() - pos < n) {
      fill_or_abort(bytes.data(), bytes.size());
      pos = 0;
    }
    std::memcpy(out, bytes.data() + pos, n);
    // Wipe what was handed out so the buffer never holds a value twice.
    std::memset(bytes.data() + pos, 0, n);
    pos += n;
  }
};

thread_local ByteBuffer tls_buffer;

}  // namespace

void secure_random_bytes(std::span<std::uint8_t> out) { tls_buffer.take(out.data(), out.size()); }

std::uint64_t secure_uniform(std::uint64_t bound) {
  if (bound <= 1) return 0;
  // Reject the top partial range so every residue is equally likely.
  const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % bound;
  for (;;) {
    std::uint64_t v;
    tls_buffer.take(reinterpret_cast<std::uint8_t*>(&v), sizeof v);
    if (v < limit) return v % bound;
  }
}

std::string secure_random_string(std::size_t length, std::string_view alphabet) {
  std::string out;
  out.reserve(length);
  for (std::size_t i = 0; i < length; ++i) out += alphabet[secure_uniform(alphabet.size())];
  return out;
}

std::string secure_random_hex(std::size_t bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  for (std::size_t i = 0; i < bytes; ++i) {
    std::uint8_t b;
    tls_buffer.take(&b, 1);
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

}  // namespace canarytrap
