// The en_US person generator (see en_us.cpp).
#pragma once

#include <memory>

#include "generator_base.h"

namespace canarytrap::fake {
std::unique_ptr<PersonGenerator> make_en_us_generator(GeneratorOptions options);
}
