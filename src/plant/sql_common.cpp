#include <algorithm>
#include <cctype>
#include <cstdio>
#include <unordered_set>

#include "canarytrap/plant/column_plan.h"
#include "targets.h"

namespace canarytrap::plant {

std::string quote_ident(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string quote_ident_mysql(std::string_view name) {
  std::string out = "`";
  for (char c : name) {
    if (c == '`') out += '`';
    out += c;
  }
  return out + "`";
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::optional<std::size_t> declared_length(const std::string& type) {
  const auto open = type.find('(');
  if (open == std::string::npos) return std::nullopt;
  std::size_t n = 0;
  for (std::size_t i = open + 1; i < type.size() && std::isdigit(static_cast<unsigned char>(type[i])); ++i) {
    n = n * 10 + static_cast<std::size_t>(type[i] - '0');
  }
  return n > 0 ? std::optional(n) : std::nullopt;
}

bool fits_int64(std::string_view s) {
  return !s.empty() && s.size() <= 18 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

PlantedValues::PlantedValues(const std::vector<PlantedRow>& rows) {
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (const auto& v : rows[i].values) owner_.emplace(v, i);
  }
}

bool some_left_to_search(const std::vector<PlantedRow>& planted, const Removal& removal) {
  for (std::size_t i = 0; i < planted.size(); ++i) {
    if (!removal.found[i] && !planted[i].values.empty()) return true;
  }
  return false;
}

std::vector<std::size_t> spread_positions(std::size_t n, std::size_t max) {
  std::vector<std::size_t> positions;
  const std::size_t take = std::min(n, max);
  positions.reserve(take);
  for (std::size_t i = 0; i < take; ++i) positions.push_back(n <= max ? i : static_cast<std::size_t>((static_cast<unsigned __int128>(i) * n) / max));
  return positions;
}

std::string sample_fraction(std::int64_t rows, std::size_t max) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9f", rows <= 0 ? 1.0 : std::min(1.0, static_cast<double>(max) / static_cast<double>(rows)));
  return buf;
}

namespace {
std::string folded(std::string_view v) {
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  std::string out(v);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
}  // namespace

std::vector<std::string> asked_values_found(const std::vector<std::string>& asked, const std::vector<std::string>& stored) {
  std::unordered_set<std::string> found_forms;
  for (const auto& s : stored) found_forms.insert(folded(s));
  std::vector<std::string> found;
  for (const auto& v : asked) {
    if (found_forms.contains(folded(v))) found.push_back(v);
  }
  return found;
}

std::optional<std::string> value_ending_with_largest_number(const std::vector<Cell>& cells) {
  std::optional<std::string> best;
  std::uint64_t best_number = 0;
  for (const Cell& c : cells) {
    const auto n = c ? trailing_number(*c) : std::nullopt;
    if (n && (!best || *n > best_number)) {
      best = *c;
      best_number = *n;
    }
  }
  return best;
}

}  // namespace canarytrap::plant
