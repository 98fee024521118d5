#include "canarytrap/fake/fast_rng.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <cstdio>
#include <cstdlib>

#include "canarytrap/core/secure_random.h"

namespace canarytrap {

struct FastRng::Cipher {
  EVP_CIPHER_CTX* ctx = nullptr;
  ~Cipher() { EVP_CIPHER_CTX_free(ctx); }
};

namespace {
// The keystream is the encryption of zeros.
const std::array<std::uint8_t, 16384> kZeros{};
}  // namespace

FastRng::FastRng(const std::array<std::uint8_t, 16>& key) : cipher_(std::make_unique<Cipher>()) {
  const std::array<std::uint8_t, 16> iv{};
  cipher_->ctx = EVP_CIPHER_CTX_new();
  if (cipher_->ctx == nullptr ||
      EVP_EncryptInit_ex(cipher_->ctx, EVP_aes_128_ctr(), nullptr, key.data(), iv.data()) != 1) {
    std::fputs("canarytrap: fatal: cannot initialise AES-128-CTR\n", stderr);
    std::abort();
  }
}

FastRng::FastRng(FastRng&&) noexcept = default;
FastRng& FastRng::operator=(FastRng&&) noexcept = default;
FastRng::~FastRng() = default;

FastRng FastRng::from_seed(std::uint64_t seed) {
  // The key is a hash of the seed so that nearby seeds give unrelated streams.
  std::uint8_t digest[SHA256_DIGEST_LENGTH];
  std::uint8_t bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<std::uint8_t>(seed >> (8 * i));
  SHA256(bytes, sizeof bytes, digest);
  std::array<std::uint8_t, 16> key;
  for (int i = 0; i < 16; ++i) key[i] = digest[i];
  return FastRng(key);
}

FastRng FastRng::unpredictable() {
  std::array<std::uint8_t, 16> key;
  secure_random_bytes(key);
  return FastRng(key);
}

void FastRng::refill() {
  int out_len = 0;
  if (EVP_EncryptUpdate(cipher_->ctx, buffer_.data(), &out_len, kZeros.data(), static_cast<int>(kBufferSize)) != 1 ||
      out_len != static_cast<int>(kBufferSize)) {
    std::fputs("canarytrap: fatal: AES-128-CTR keystream failed\n", stderr);
    std::abort();
  }
  pos_ = 0;
}

}  // namespace canarytrap
