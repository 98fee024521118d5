// Tab-separated data files (the facts under data/): rows of fields, no copying.
//
//   for (const auto& row : parse_tsv(data::some_table_tsv)) use(row[0], row[1]);
#pragma once

#include <string_view>
#include <vector>

namespace canarytrap {

using TsvRow = std::vector<std::string_view>;

// Rows of `text` split on tabs, skipping blank lines and '#' comment lines; a trailing '\r'
// is dropped. The views point into `text`.
std::vector<TsvRow> parse_tsv(std::string_view text);

}  // namespace canarytrap
