// The version of canarytrap, from the CMake project() line.
#pragma once

#include <string_view>

namespace canarytrap {
extern const std::string_view kVersion;
}
