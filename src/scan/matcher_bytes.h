// The matcher's byte tables, shared by its files (matcher.cpp: the scan loop;
// matcher_values.cpp: the values it finds): each byte's class, and each byte in lower case.
#pragma once

#include <array>
#include <cstdint>

namespace canarytrap::matcher_bytes {

enum Class : std::uint8_t { kOther = 0, kDigit, kAlpha, kHigh, kSep };

constexpr std::array<std::uint8_t, 256> make_classes() {
  std::array<std::uint8_t, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = kDigit;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = kAlpha;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = kAlpha;
  for (int c = 0x80; c <= 0xFF; ++c) t[c] = kHigh;
  for (char c : {' ', '-', '.', '(', ')', '+', '/'}) t[static_cast<unsigned char>(c)] = kSep;
  return t;
}
inline constexpr auto kClass = make_classes();

constexpr std::array<char, 256> make_lower() {
  std::array<char, 256> t{};
  for (int c = 0; c < 256; ++c) t[c] = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  return t;
}
inline constexpr auto kLower = make_lower();

}  // namespace canarytrap::matcher_bytes
