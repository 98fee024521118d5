// Generators for the fake module's tests: seeded, one mail domain, a fixed "today".
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "canarytrap/fake/person.h"

namespace canarytrap::testing {

// Reproducible options: the seed, mail.example.net, and today 2026-11-24 (ages are relative
// to it).
inline GeneratorOptions fixed(std::uint64_t seed) {
  GeneratorOptions o;
  o.seed = seed;
  o.mail_domains = {"mail.example.net"};
  o.today_year = 2026;
  o.today_month = 11;
  o.today_day = 24;
  return o;
}

inline std::unique_ptr<PersonGenerator> make(Locale l, GeneratorOptions o) {
  auto g = PersonGenerator::create(l, std::move(o));
  EXPECT_TRUE(g) << g.status().message();
  return std::move(*g);
}

}  // namespace canarytrap::testing
