// CSV and TSV files as plant targets: header kept, delimiter, each column's quoting and the
// line endings detected from the file and used for the canary rows.
#include "file_target.h"
#include "targets.h"

namespace canarytrap::plant {

namespace {

class CsvTarget final : public FileTarget {
 public:
  CsvTarget(TargetUri uri, std::string content) : FileTarget(std::move(uri), std::move(content)) {}

  Status split() override {
    std::string_view text = content_;
    std::size_t bom = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
    std::vector<std::string_view> all;
    std::size_t start = 0;
    bool quoted = false;
    for (std::size_t i = bom; i < text.size(); ++i) {
      const char c = text[i];
      if (c == '"') quoted = !quoted;
      if (c == '\n' && !quoted) {
        all.push_back(text.substr(start, i + 1 - start));
        start = i + 1;
      }
    }
    if (quoted) return Status::InvalidArgument(where_ + ": unbalanced quotes; not a CSV file this can plant into safely");
    if (start < text.size()) all.push_back(text.substr(start));
    if (all.empty()) return Status::InvalidArgument(where_ + ": empty file; a CSV target needs at least a header row");
    header_ = all.front();
    records_.assign(all.begin() + 1, all.end());
    if (header_.size() >= 2 && header_[header_.size() - 2] == '\r') line_ending_ = "\r\n";
    detect_delimiter();
    for (const Cell& name : cells_of(header_.substr(bom))) {
      ColumnInfo c;
      c.name = name.value_or("");
      columns_.push_back(std::move(c));
    }
    learn_quoting();
    return Status::Ok();
  }

  Result<TableSample> describe(std::size_t max_rows) override {
    TableSample s;
    s.columns = columns_;
    s.row_count = static_cast<std::int64_t>(records_.size());
    for (std::size_t i : spread_positions(records_.size(), max_rows)) {
      TableRow row = cells_of(records_[i]);
      row.resize(columns_.size(), Cell(""));
      s.rows.push_back(std::move(row));
    }
    return s;
  }

  TableRow cells_of(std::string_view record) override {
    while (!record.empty() && (record.back() == '\n' || record.back() == '\r')) record.remove_suffix(1);
    TableRow cells;
    std::string cell;
    bool quoted = false, was_quoted = false;
    for (std::size_t i = 0; i < record.size(); ++i) {
      const char c = record[i];
      if (quoted) {
        if (c == '"' && i + 1 < record.size() && record[i + 1] == '"') {
          cell += '"';
          ++i;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell += c;
        }
      } else if (c == '"') {
        quoted = was_quoted = true;
      } else if (c == delimiter_) {
        cells.emplace_back(std::move(cell));
        cell.clear();
        was_quoted = false;
      } else {
        cell += c;
      }
    }
    (void)was_quoted;
    cells.emplace_back(std::move(cell));
    return cells;
  }

  std::string serialize(const TableRow& row) override {
    std::string out;
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i) out += delimiter_;
      const std::string value = row[i].value_or("");
      const bool needs = value.find_first_of(std::string("\"\r\n") + delimiter_) != std::string::npos;
      const ColumnQuoting& q = i < quoting_.size() ? quoting_[i] : ColumnQuoting{};
      if (needs || (value.empty() ? q.empty_quoted() : q.value_quoted())) {
        out += '"';
        for (char c : value) {
          if (c == '"') out += '"';
          out += c;
        }
        out += '"';
      } else {
        out += value;
      }
    }
    return out + line_ending_;
  }

 private:
  void detect_delimiter() {
    std::size_t best = 0;
    bool quoted = false;
    for (char candidate : {',', '\t', ';', '|'}) {
      std::size_t count = 0;
      for (char c : header_) {
        if (c == '"') quoted = !quoted;
        if (!quoted && c == candidate) ++count;
      }
      if (count > best) best = count, delimiter_ = candidate;
    }
  }

  // How a column's fields are written: quoted in most records or not, apart for empty ones
  // (Python's QUOTE_NONNUMERIC and sqlite3's .mode csv quote text but not numbers; some
  // writers quote an empty string but not a NULL).
  struct ColumnQuoting {
    std::size_t values = 0, quoted_values = 0, empties = 0, quoted_empties = 0;
    bool value_quoted() const { return values > 0 && 2 * quoted_values >= values; }
    bool empty_quoted() const { return empties > 0 ? 2 * quoted_empties >= empties : value_quoted(); }
  };

  // Each column's quoting, from records spread over the file: the 1,000 the planter's
  // profile reads (so that a column it saw empty was seen empty here too).
  void learn_quoting() {
    for (std::size_t r : spread_positions(records_.size(), 1000)) {
      std::string_view record = records_[r];
      while (!record.empty() && (record.back() == '\n' || record.back() == '\r')) record.remove_suffix(1);
      std::size_t column = 0, field_start = 0;
      bool quoted = false;
      for (std::size_t i = 0; i <= record.size(); ++i) {
        if (i < record.size() && record[i] == '"') quoted = !quoted;
        if (i < record.size() && (quoted || record[i] != delimiter_)) continue;
        const std::string_view field = record.substr(field_start, i - field_start);
        if (quoting_.size() <= column) quoting_.resize(column + 1);
        ColumnQuoting& q = quoting_[column];
        const bool is_quoted = !field.empty() && field.front() == '"';
        if (field.empty() || field == "\"\"") {
          ++q.empties;
          q.quoted_empties += is_quoted;
        } else {
          ++q.values;
          q.quoted_values += is_quoted;
        }
        ++column;
        field_start = i + 1;
      }
    }
  }

  char delimiter_ = ',';
  std::vector<ColumnQuoting> quoting_;  // by column
};

}  // namespace

Result<std::unique_ptr<Target>> open_csv_target(const TargetUri& uri, const std::string&) {
  auto content = read_target_file(uri);
  if (!content) return content.status();
  auto t = std::make_unique<CsvTarget>(uri, std::move(*content));
  CT_RETURN_IF_ERROR(t->split());
  return std::unique_ptr<Target>(std::move(t));
}

}  // namespace canarytrap::plant
