// The needles the matcher's tests and its fuzzer look for. Canary 1: a zh_CN person;
// canary 2: an en_US one; canary 3: dns and http tokens.
#pragma once

#include <vector>

#include "canarytrap/store/registry.h"

namespace canarytrap::testing {

inline std::vector<ScanNeedle> sample_needles() {
  return {
      {1, "email", "wang.jingjia74@mail.example.net"},
      {1, "id_number", "52012219741123540X"},
      {1, "phone", "13812345678"},
      {1, "name_dob", "王静嘉|19741123"},
      {2, "email", "mary.k.smith@mail.example.net"},
      {2, "phone", "2125550147"},
      {2, "ssn", "123456789"},
      {2, "card", "4111111111111111"},
      {2, "name_dob", "mary smith|19850309"},
      {3, "token", "r3aikdyeajmxjd5y2"},
      {3, "token", "a8e1aa1e8b035c77fa77ad62"},
  };
}

}  // namespace canarytrap::testing
