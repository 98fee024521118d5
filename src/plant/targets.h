// The target implementations, private to the plant module.
#pragma once

#include <memory>

#include "canarytrap/plant/target.h"

namespace canarytrap::plant {
Result<std::unique_ptr<Target>> open_sqlite_target(const TargetUri& uri, const std::string& table);
Result<std::unique_ptr<Target>> open_csv_target(const TargetUri& uri, const std::string& table);
Result<std::unique_ptr<Target>> open_jsonl_target(const TargetUri& uri, const std::string& table);
}  // namespace canarytrap::plant
