// Writing files all-or-nothing: stage a temporary file beside the target, then rename.
//
// A rename within one directory is atomic, so a reader sees the old file or the new one,
// never half of one. Several files can be staged first and renamed only when all staged,
// which is how `canarytrap init` and file planting leave nothing half-written.
//
//   auto tmp = stage_file("dir/canarytrap.key", secret, 0600);
//   if (!tmp) return tmp.status();
//   CT_RETURN_IF_ERROR(commit_staged(*tmp, "dir/canarytrap.key"));
#pragma once

#include <filesystem>
#include <string_view>

#include "canarytrap/core/status.h"

namespace canarytrap {

// Writes `content` to a new temporary file in target's directory with `mode`, fsynced.
Result<std::filesystem::path> stage_file(const std::filesystem::path& target, std::string_view content, unsigned mode);

// A unique temporary path beside `target` that does not exist yet (for files written by
// other code, such as SQLite).
std::filesystem::path temp_path_beside(const std::filesystem::path& target);

// Renames a staged file over `target`.
Status commit_staged(const std::filesystem::path& staged, const std::filesystem::path& target);

}  // namespace canarytrap
