// Unpredictable random numbers from OpenSSL's CSPRNG (RAND_bytes).
//
// Every trigger value and every secret is drawn from here, never from a seeded PRNG: a
// canary whose value can be predicted can be filtered out of a leak or forged.
// Thread-safe: each thread keeps its own small buffer of random bytes.
//
//   std::uint64_t die = secure_uniform(6);   // 0..5, no modulo bias
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace canarytrap {

// Fills `out` with random bytes; aborts the process if the CSPRNG fails (it never
// silently degrades to weaker randomness).
void secure_random_bytes(std::span<std::uint8_t> out);

// Uniform in [0, bound), bound > 0, by rejection sampling.
std::uint64_t secure_uniform(std::uint64_t bound);

// `length` characters drawn uniformly from `alphabet`.
std::string secure_random_string(std::size_t length, std::string_view alphabet);

// `bytes` random bytes as lower-case hex (2 * bytes characters).
std::string secure_random_hex(std::size_t bytes);

}  // namespace canarytrap
