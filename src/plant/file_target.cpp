#include "file_target.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <tuple>
#include <unordered_set>

#include "canarytrap/core/files.h"
#include "dates.h"
#include "targets.h"

namespace canarytrap::plant {

Result<std::string> read_target_file(const TargetUri& uri) {
  const std::string where = "target " + uri.redacted;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(uri.path, ec)) return Status::NotFound(where + ": no such file");
  if (::access(uri.path.c_str(), W_OK) != 0) return Status::IoError(where + ": not writable: " + std::strerror(errno));
  std::ifstream in(uri.path, std::ios::binary);
  if (!in) return Status::IoError(where + ": cannot read: " + std::strerror(errno));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

FileTarget::FileTarget(TargetUri uri, std::string content)
    : uri_(std::move(uri)), where_("target " + uri_.redacted), content_(std::move(content)) {}

FileTarget::~FileTarget() { rollback(); }

Status FileTarget::stage(const std::string& output) {
  rollback();
  struct stat st;
  const unsigned mode = ::stat(uri_.path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0644;
  auto staged = stage_file(uri_.path, output, mode);
  if (!staged) return staged.status().WithContext(where_);
  staged_ = *staged;
  return Status::Ok();
}

void FileTarget::place_by_date(std::size_t column, std::string date_format, bool newest_first) {
  date_column_ = column;
  date_format_ = std::move(date_format);
  newest_first_ = newest_first;
}

std::vector<std::pair<std::uint32_t, std::size_t>> FileTarget::positions_for(const std::vector<TableRow>& rows,
                                                                            FastRng& rng) {
  const auto n = static_cast<std::uint32_t>(record_count());
  // A record's date, or the nearest readable one after it (a record may leave it empty).
  const auto date_at = [&](std::uint32_t k) -> std::optional<std::int64_t> {
    for (std::uint32_t j = k; j < n && j < k + 16; ++j) {
      const TableRow cells = record_cells(j);
      if (*date_column_ < cells.size() && cells[*date_column_]) {
        if (auto t = table_dates::date_seconds(*cells[*date_column_], date_format_.c_str())) return t;
      }
    }
    return std::nullopt;
  };
  struct Place {
    std::uint32_t before;
    std::int64_t time;  // orders rows going to one place
    std::size_t row;
  };
  std::vector<Place> places;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::optional<std::int64_t> t;
    if (date_column_ && *date_column_ < rows[r].size() && rows[r][*date_column_]) {
      t = table_dates::date_seconds(*rows[r][*date_column_], date_format_.c_str());
    }
    if (!t) {
      places.push_back({rng.uniform(n + 1), 0, r});
      continue;
    }
    // The first record dated after it (before it, newest first): the records are in date
    // order, bar a few.
    std::uint32_t lo = 0, hi = n;
    while (lo < hi) {
      const std::uint32_t mid = lo + (hi - lo) / 2;
      const auto d = date_at(mid);
      if (d && (newest_first_ ? *d >= *t : *d <= *t)) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    places.push_back({lo, newest_first_ ? -*t : *t, r});
  }
  std::sort(places.begin(), places.end(),
            [](const Place& a, const Place& b) { return std::tie(a.before, a.time, a.row) < std::tie(b.before, b.time, b.row); });
  std::vector<std::pair<std::uint32_t, std::size_t>> out;
  for (const Place& p : places) out.emplace_back(p.before, p.row);
  return out;
}

Result<std::vector<std::string>> FileTarget::insert(const std::vector<TableRow>& rows, FastRng& rng) {
  // Each new record goes before existing record number positions[i] (0..n): interleaved,
  // never simply appended.
  const auto n = static_cast<std::uint32_t>(records_.size());
  const auto positions = positions_for(rows, rng);  // (position, index into rows), in order

  std::string out(header_);
  out.reserve(content_.size() + rows.size() * 256);
  std::vector<std::string> keys(rows.size());
  std::size_t next = 0;
  std::size_t record_number = 0;  // 1-based data record number in the new file
  for (std::uint32_t pos = 0; pos <= n; ++pos) {
    while (next < positions.size() && positions[next].first == pos) {
      out += serialize(rows[positions[next].second]);
      keys[positions[next].second] = std::to_string(++record_number);
      ++next;
    }
    if (pos < n) {
      std::string_view r = records_[pos];
      out.append(r);
      // A last record without a line ending gets one before anything follows it.
      if (pos + 1 == n && next < positions.size() && !r.empty() && r.back() != '\n') out += line_ending_;
      ++record_number;
    }
  }
  CT_RETURN_IF_ERROR(stage(out));
  return keys;
}

Result<Removal> FileTarget::remove(const std::vector<PlantedRow>& rows) {
  const PlantedValues values(rows);
  Removal removal;
  removal.found.assign(rows.size(), false);
  std::string out(header_);
  for (std::string_view r : records_) {
    bool match = false;
    for (const Cell& c : cells_of(r)) {
      if (!c) continue;
      if (const auto owner = values.owner(*c)) match = removal.found[*owner] = true;
    }
    if (match) {
      ++removal.rows_removed;
    } else {
      out.append(r);
    }
  }
  if (removal.rows_removed > 0) CT_RETURN_IF_ERROR(stage(out));
  return removal;
}

Result<std::vector<std::string>> FileTarget::existing(std::size_t column, const std::vector<std::string>& values) {
  const std::unordered_set<std::string> wanted(values.begin(), values.end());
  std::unordered_set<std::string> found;
  for (std::string_view r : records_) {
    const TableRow cells = cells_of(r);
    if (column < cells.size() && cells[column] && wanted.contains(*cells[column])) found.insert(*cells[column]);
  }
  return std::vector<std::string>(found.begin(), found.end());
}

Result<std::optional<std::string>> FileTarget::largest(std::size_t column) {
  std::vector<Cell> cells;
  for (std::string_view r : records_) {
    TableRow row = cells_of(r);
    if (column < row.size()) cells.push_back(std::move(row[column]));
  }
  return value_ending_with_largest_number(cells);
}

Status FileTarget::commit() {
  if (staged_.empty()) return Status::Ok();
  Status s = commit_staged(staged_, uri_.path);
  staged_.clear();
  return s.WithContext(where_);
}

void FileTarget::rollback() {
  if (staged_.empty()) return;
  std::error_code ec;
  std::filesystem::remove(staged_, ec);
  staged_.clear();
}

}  // namespace canarytrap::plant
