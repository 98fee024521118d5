// JSON Lines files as plant targets: one object per line; keys (in first-seen order) are the
// columns; numbers stay numbers.
#include <nlohmann/json.hpp>

#include "file_target.h"
#include "targets.h"

namespace canarytrap::plant {

namespace {

using nlohmann::ordered_json;

class JsonlTarget final : public FileTarget {
 public:
  JsonlTarget(TargetUri uri, std::string content) : FileTarget(std::move(uri), std::move(content)) {}

  Status split() override {
    std::string_view text = content_;
    std::size_t start = 0;
    while (start < text.size()) {
      auto nl = text.find('\n', start);
      const std::size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
      records_.push_back(text.substr(start, end - start));
      start = end;
    }
    std::size_t line = 0;
    for (std::string_view r : records_) {
      ++line;
      std::string_view body = r;
      while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.remove_suffix(1);
      if (body.empty()) continue;
      if (line == 1 && r.size() >= 2 && r[r.size() - 2] == '\r') line_ending_ = "\r\n";
      ordered_json j = ordered_json::parse(body, nullptr, false);
      if (j.is_discarded() || !j.is_object()) {
        return Status::InvalidArgument(where_ + ": line " + std::to_string(line) + " is not a JSON object");
      }
      if (line > 1000) continue;  // the first thousand lines decide the columns
      for (const auto& [key, value] : j.items()) {
        auto it = std::find_if(columns_.begin(), columns_.end(), [&](const ColumnInfo& c) { return c.name == key; });
        if (it == columns_.end()) {
          ColumnInfo c;
          c.name = key;
          c.json_number = value.is_number();
          columns_.push_back(std::move(c));
        } else if (!value.is_number() && !value.is_null()) {
          it->json_number = false;
        }
      }
    }
    if (columns_.empty()) return Status::InvalidArgument(where_ + ": no JSON objects to learn the columns from");
    return Status::Ok();
  }

  Result<TableSample> describe(std::size_t max_rows) override {
    TableSample s;
    s.columns = columns_;
    std::vector<std::size_t> objects;  // records that are not blank lines
    for (std::size_t i = 0; i < records_.size(); ++i) {
      if (records_[i].find_first_not_of(" \t\r\n") != std::string_view::npos) objects.push_back(i);
    }
    s.row_count = static_cast<std::int64_t>(objects.size());
    for (std::size_t i : spread_positions(objects.size(), max_rows)) s.rows.push_back(cells_of(records_[objects[i]]));
    return s;
  }

  TableRow cells_of(std::string_view record) override {
    TableRow row(columns_.size());
    ordered_json j = ordered_json::parse(record, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return row;
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      auto it = j.find(columns_[i].name);
      if (it == j.end() || it->is_null()) continue;
      row[i] = it->is_string() ? it->get<std::string>() : it->dump();
    }
    return row;
  }

  std::string serialize(const TableRow& row) override {
    ordered_json j = ordered_json::object();
    for (std::size_t i = 0; i < columns_.size() && i < row.size(); ++i) {
      const Cell& c = row[i];
      if (!c) {
        j[columns_[i].name] = nullptr;
      } else if (columns_[i].json_number) {
        ordered_json n = ordered_json::parse(*c, nullptr, false);
        j[columns_[i].name] = n.is_number() ? n : ordered_json(*c);
      } else {
        j[columns_[i].name] = *c;
      }
    }
    return j.dump(-1, ' ', false, ordered_json::error_handler_t::replace) + line_ending_;
  }
};

}  // namespace

Result<std::unique_ptr<Target>> open_jsonl_target(const TargetUri& uri, const std::string&) {
  auto content = read_target_file(uri);
  if (!content) return content.status();
  auto t = std::make_unique<JsonlTarget>(uri, std::move(*content));
  CT_RETURN_IF_ERROR(t->split());
  return std::unique_ptr<Target>(std::move(t));
}

}  // namespace canarytrap::plant
