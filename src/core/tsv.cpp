#include "canarytrap/core/tsv.h"

namespace canarytrap {

std::vector<TsvRow> parse_tsv(std::string_view text) {
  std::vector<TsvRow> rows;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    TsvRow row;
    std::size_t start = 0;
    for (;;) {
      const auto tab = line.find('\t', start);
      row.push_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
      if (tab == std::string_view::npos) break;
      start = tab + 1;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace canarytrap
