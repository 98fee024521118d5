// What the locale generators share: the RNG, today's date, birth dates, digit writing,
// e-mail domains and photo URLs. Private to the fake module.
#pragma once

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

  // A birth date for an adult aged 18-80 today; sets p.birth_* and kBirthDate.
  void draw_birth_date(Person& p);
  const std::string& pick_mail_domain();
  void draw_photo_url(Person& p);

  FastRng rng_;
  GeneratorOptions options_;
};

}  // namespace canarytrap::fake
