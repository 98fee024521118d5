// The zh_CN person generator (see zh_cn.cpp).
#pragma once

#include <memory>

#include "generator_base.h"

namespace canarytrap::fake {
std::unique_ptr<PersonGenerator> make_zh_cn_generator(GeneratorOptions options);
}
