// JSON Lines files as plant targets: one object per line; keys (in first-seen order) are the
// columns; numbers stay numbers; new lines spaced and escaped as the file's are.
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
    learn_style();
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
    const auto dump = [&](const ordered_json& v) { return v.dump(-1, ' ', ascii_only_, ordered_json::error_handler_t::replace); };
    std::string out = "{";
    for (std::size_t i = 0; i < columns_.size() && i < row.size(); ++i) {
      const Cell& c = row[i];
      ordered_json value;
      if (!c) {
        value = nullptr;
      } else if (columns_[i].json_number) {
        ordered_json n = ordered_json::parse(*c, nullptr, false);
        value = n.is_number() ? n : ordered_json(*c);
      } else {
        value = *c;
      }
      if (i) out += spaced_items_ ? ", " : ",";
      out += dump(ordered_json(columns_[i].name));
      out += spaced_keys_ ? ": " : ":";
      out += dump(value);
    }
    return out + "}" + line_ending_;
  }

 private:
  // How the file's writer spaced and escaped its objects: Python's json.dumps writes
  // {"a": 1, "b": "\u5f20"} by default, most others {"a":1,"b":"张"}; a canary line in the
  // other style would be the odd one out.
  void learn_style() {
    std::size_t colons = 0, spaced_colons = 0, commas = 0, spaced_commas = 0, escapes = 0, raw = 0;
    for (std::size_t r : spread_positions(records_.size(), 1000)) {
      const std::string_view line = records_[r];
      for (std::size_t i = 0; i + 1 < line.size(); ++i) {
        if (line[i] == '"' && line[i + 1] == ':') {
          ++colons;
          spaced_colons += i + 2 < line.size() && line[i + 2] == ' ';
        } else if (line[i] == ',' && (line[i + 1] == '"' || (line[i + 1] == ' ' && i + 2 < line.size() && line[i + 2] == '"'))) {
          ++commas;
          spaced_commas += line[i + 1] == ' ';
        } else if (line[i] == '\\' && line[i + 1] == 'u') {
          ++escapes;
          ++i;  // "\\u" is an escaped backslash and a u, rare enough to ignore
        }
        raw += static_cast<unsigned char>(line[i]) >= 0x80;
      }
    }
    spaced_keys_ = 2 * spaced_colons > colons;
    spaced_items_ = 2 * spaced_commas > commas;
    ascii_only_ = escapes > 0 && raw == 0;
  }

  bool spaced_keys_ = false, spaced_items_ = false, ascii_only_ = false;
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
