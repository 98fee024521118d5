// What the locale generators share: the RNG, today's date, birth dates, digit writing,
// e-mail domains and photo URLs. Private to the fake module.
#pragma once

#include <cstdint>

#include "canarytrap/fake/fast_rng.h"
#include "canarytrap/fake/person.h"

namespace canarytrap::fake {

class GeneratorBase : public PersonGenerator {
 protected:
  explicit GeneratorBase(GeneratorOptions options);

  // Appends `value` as exactly `width` (at most 12) digits, zero-padded.
  static void append_digits(std::string& out, std::uint32_t value, int width);
  // Appends `value` in decimal, no padding (std::to_string without the temporary string).
  static void append_number(std::string& out, std::uint32_t value);
  // Appends `count` uniformly random digits.
  void append_random_digits(std::string& out, int count);

  // Male or female, half each or as options_.male_share says.
  Gender draw_gender();
  // A birth date for an adult aged 18-80 today, or near one of options_.birth_days; sets
  // p.birth_* and kBirthDate.
  void draw_birth_date(Person& p);
  const std::string& pick_mail_domain();
  void draw_photo_url(Person& p);

  FastRng rng_;
  GeneratorOptions options_;

 private:
  // options_.birth_days sorted, and whether each is kept as it is (a repeated placeholder);
  // the first and last of the others.
  std::vector<bool> birth_day_exact_;
  std::int32_t birth_span_first_ = INT32_MAX, birth_span_last_ = INT32_MIN;
};

}  // namespace canarytrap::fake
