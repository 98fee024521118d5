// SQL dump files as plant targets: plain `pg_dump` output (COPY blocks, or INSERT statements
// with --inserts/--column-inserts) and `mysqldump` output (extended INSERTs). Canary rows are
// added to the named table's data, at random positions, in the dump's own syntax, so that
// restoring the dump restores them too. Primary keys get ids above the dump's largest.
#include <algorithm>
#include <cctype>
#include <unordered_set>

#include "file_target.h"
#include "targets.h"

namespace canarytrap::plant {

namespace {

enum class Dialect { kPostgres, kMysql };
enum class RecordKind { kCopyLine, kInsertStatement, kTuple };

struct Record {
  std::size_t begin = 0, end = 0;  // span in the content
  RecordKind kind = RecordKind::kCopyLine;
  std::size_t statement = 0;  // tuples: index of their INSERT statement
};

struct Statement {
  std::size_t begin = 0, end = 0;      // the whole INSERT ... ; (with its line ending)
  std::string prefix;                  // "INSERT INTO `t` VALUES "
  std::vector<std::size_t> tuples;     // indexes into records
};

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i]))) return false;
  }
  return true;
}

// Index of the quote that closes the literal opened at `open` (a '\'').
std::size_t skip_literal(std::string_view text, std::size_t open, Dialect d) {
  for (std::size_t i = open + 1; i < text.size(); ++i) {
    if (d == Dialect::kMysql && text[i] == '\\') {
      ++i;
    } else if (text[i] == '\'') {
      if (i + 1 < text.size() && text[i + 1] == '\'') {
        ++i;
      } else {
        return i;
      }
    }
  }
  return std::string_view::npos;
}

class SqlDumpTarget final : public FileTarget {
 public:
  SqlDumpTarget(TargetUri uri, std::string content, std::string table)
      : FileTarget(std::move(uri), std::move(content)), table_(std::move(table)) {}

  Status split() override {
    dialect_ = content_.find("-- MySQL dump") != std::string::npos || content_.find("-- MariaDB dump") != std::string::npos ||
                       content_.find("CREATE TABLE `") != std::string::npos
                   ? Dialect::kMysql
                   : Dialect::kPostgres;
    CT_RETURN_IF_ERROR(read_create_table());
    return find_data();
  }

  std::size_t record_count() const override { return spans_.size(); }
  TableRow record_cells(std::size_t k) override { return cells_at(k); }

  Result<TableSample> describe(std::size_t max_rows) override {
    TableSample s;
    s.columns = columns_;
    s.row_count = static_cast<std::int64_t>(spans_.size());
    for (std::size_t i : spread_positions(spans_.size(), max_rows)) s.rows.push_back(cells_at(i));
    return s;
  }

  Result<std::vector<std::string>> insert(const std::vector<TableRow>& rows, FastRng& rng) override {
    if (spans_.empty() && copy_end_ == std::string::npos) {
      return Status::InvalidArgument(where_ + ": table '" + table_ +
                                     "' has no data in this dump to add rows to; plant into the database instead");
    }
    // Ids above the largest in the dump for an integer primary key.
    std::int64_t next_id = 1;
    if (pk_ != npos_) {
      for (std::size_t i = 0; i < spans_.size(); ++i) {
        const Cell c = cells_at(i)[pk_];
        if (c && fits_int64(*c)) next_id = std::max<std::int64_t>(next_id, std::stoll(*c) + 1);
      }
    }
    std::vector<TableRow> filled = rows;
    std::vector<std::string> keys;
    for (std::size_t r = 0; r < filled.size(); ++r) {
      if (pk_ != npos_) filled[r][pk_] = std::to_string(next_id++);
      keys.push_back(pk_ != npos_ ? *filled[r][pk_] : std::string());
    }
    // Positions among the existing records: insert before record k (k < n) or after the last.
    const auto at = positions_for(filled, rng);
    std::vector<std::pair<std::size_t, std::string>> splices;  // (offset, text)
    for (const auto& [pos, r] : at) splices.emplace_back(splice_point(pos), render(filled[r], pos));
    std::stable_sort(splices.begin(), splices.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string out;
    out.reserve(content_.size() + rows.size() * 300);
    std::size_t from = 0;
    for (const auto& [offset, text] : splices) {
      out.append(content_, from, offset - from);
      out += text;
      from = offset;
    }
    out.append(content_, from, std::string::npos);
    CT_RETURN_IF_ERROR(stage(out));
    if (pk_ == npos_) {
      for (const auto& [pos, r] : at) keys[r] = "record " + std::to_string(pos + 1);
    }
    return keys;
  }

  Result<Removal> remove(const std::vector<PlantedRow>& rows) override {
    const PlantedValues values(rows);
    Removal removal;
    removal.found.assign(rows.size(), false);
    std::vector<bool> drop(spans_.size(), false);
    for (std::size_t i = 0; i < spans_.size(); ++i) {
      for (const Cell& c : cells_at(i)) {
        if (!c) continue;
        if (const auto owner = values.owner(*c)) drop[i] = removal.found[*owner] = true;
      }
      removal.rows_removed += drop[i];
    }
    if (removal.rows_removed == 0) return removal;
    std::string out;
    std::size_t from = 0;
    const auto cut = [&](std::size_t begin, std::size_t end, const std::string& replacement) {
      out.append(content_, from, begin - from);
      out += replacement;
      from = end;
    };
    std::vector<bool> statement_done(statements_.size(), false);
    for (std::size_t i = 0; i < spans_.size(); ++i) {
      const Record& rec = spans_[i];
      if (rec.kind != RecordKind::kTuple) {
        if (drop[i]) cut(rec.begin, rec.end, "");
        continue;
      }
      // Tuples: rebuild their statement from the ones that stay (none left: no statement).
      if (statement_done[rec.statement]) continue;
      statement_done[rec.statement] = true;
      const Statement& st = statements_[rec.statement];
      std::string kept;
      for (std::size_t t : st.tuples) {
        if (drop[t]) continue;
        kept += (kept.empty() ? "" : separator()) + content_.substr(spans_[t].begin, spans_[t].end - spans_[t].begin);
      }
      cut(st.begin, st.end, kept.empty() ? "" : st.prefix + kept + ";" + line_ending_);
    }
    out.append(content_, from, std::string::npos);
    CT_RETURN_IF_ERROR(stage(out));
    return removal;
  }

  Result<std::vector<std::string>> existing(std::size_t column, const std::vector<std::string>& values) override {
    const std::unordered_set<std::string> wanted(values.begin(), values.end());
    std::unordered_set<std::string> found;
    for (std::size_t i = 0; i < spans_.size(); ++i) {
      const TableRow cells = cells_at(i);
      if (column < cells.size() && cells[column] && wanted.contains(*cells[column])) found.insert(*cells[column]);
    }
    return std::vector<std::string>(found.begin(), found.end());
  }

  Result<std::optional<std::string>> largest(std::size_t column) override {
    std::vector<Cell> cells;
    for (std::size_t i = 0; i < spans_.size(); ++i) {
      TableRow row = cells_at(i);
      if (column < row.size()) cells.push_back(std::move(row[column]));
    }
    return value_ending_with_largest_number(cells);
  }

  // FileTarget's record hooks are not used: this target splices into the dump itself.
  std::string serialize(const TableRow&) override { return {}; }
  TableRow cells_of(std::string_view) override { return {}; }

 private:
  static constexpr std::size_t npos_ = static_cast<std::size_t>(-1);

  bool names_table(std::string_view ident) const {
    // public.persons, "public"."persons", `persons`, persons
    std::string clean;
    for (char c : ident) {
      if (c != '"' && c != '`') clean += c;
    }
    const auto dot = clean.rfind('.');
    const std::string name = dot == std::string::npos ? clean : clean.substr(dot + 1);
    return name == table_ || clean == table_;
  }

  Status read_create_table() {
    std::size_t pos = 0;
    while ((pos = content_.find("CREATE TABLE ", pos)) != std::string::npos) {
      const std::size_t name_start = pos + 13;
      const std::size_t paren = content_.find('(', name_start);
      if (paren == std::string::npos) break;
      std::string_view name(content_.data() + name_start, paren - name_start);
      while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
      if (name.rfind("IF NOT EXISTS ", 0) == 0) name.remove_prefix(14);
      if (names_table(name)) {
        return read_columns(paren + 1);
      }
      pos = paren;
    }
    return Status::NotFound(where_ + ": no CREATE TABLE for '" + table_ + "' in this dump");
  }

  Status read_columns(std::size_t from) {
    // One definition per line until the closing ");" of the statement.
    std::size_t line_start = content_.find('\n', from) + 1;
    while (line_start < content_.size()) {
      std::size_t line_end = content_.find('\n', line_start);
      if (line_end == std::string::npos) line_end = content_.size();
      std::string_view line(content_.data() + line_start, line_end - line_start);
      while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
      if (line.empty() || line.front() == ')') break;
      const bool constraint = starts_with_ci(line, "PRIMARY KEY") || starts_with_ci(line, "UNIQUE") ||
                              starts_with_ci(line, "KEY ") || starts_with_ci(line, "CONSTRAINT") ||
                              starts_with_ci(line, "INDEX") || starts_with_ci(line, "FOREIGN KEY") ||
                              starts_with_ci(line, "CHECK") || starts_with_ci(line, "FULLTEXT");
      if (constraint) {
        if (starts_with_ci(line, "PRIMARY KEY")) primary_key_line_ = std::string(line);
        if (starts_with_ci(line, "UNIQUE")) unique_lines_.emplace_back(line);
      } else {
        ColumnInfo c;
        std::size_t end;
        if (line.front() == '`' || line.front() == '"') {
          end = line.find(line.front(), 1);
          c.name = std::string(line.substr(1, end - 1));
          ++end;
        } else {
          end = line.find(' ');
          c.name = std::string(line.substr(0, end));
        }
        const std::string rest = upper(std::string(line.substr(std::min(end, line.size()))));
        c.declared_type = rest.substr(rest.find_first_not_of(' ') == std::string::npos ? 0 : rest.find_first_not_of(' '));
        c.not_null = rest.find("NOT NULL") != std::string::npos;
        c.has_default = rest.find("DEFAULT") != std::string::npos;
        c.integer = rest.find("INT") != std::string::npos && rest.find("INTERVAL") == std::string::npos &&
                    rest.find("POINT") == std::string::npos;
        c.max_length = declared_length(c.declared_type.substr(0, c.declared_type.find(' ')));
        if (c.declared_type.rfind("CHARACTER VARYING(", 0) == 0 || c.declared_type.rfind("CHARACTER(", 0) == 0) {
          c.max_length = declared_length(c.declared_type);
        }
        c.primary_key = rest.find("PRIMARY KEY") != std::string::npos;
        c.unique = c.primary_key || rest.find("UNIQUE") != std::string::npos;
        columns_.push_back(std::move(c));
      }
      line_start = line_end + 1;
    }
    if (columns_.empty()) return Status::InvalidArgument(where_ + ": cannot read the columns of '" + table_ + "'");
    // PostgreSQL puts keys in ALTER TABLE statements after the data.
    const std::string alter = "ALTER TABLE ONLY ";
    for (std::size_t p = content_.find(alter); p != std::string::npos; p = content_.find(alter, p + 1)) {
      const std::size_t eol = content_.find(';', p);
      const std::string stmt = content_.substr(p, eol - p);
      const auto space = stmt.find_first_of(" \n", alter.size());
      if (!names_table(std::string_view(stmt).substr(alter.size(), space - alter.size()))) continue;
      if (stmt.find("PRIMARY KEY") != std::string::npos) primary_key_line_ = stmt.substr(stmt.find("PRIMARY KEY"));
      if (stmt.find("UNIQUE") != std::string::npos) unique_lines_.push_back(stmt.substr(stmt.find("UNIQUE")));
    }
    const auto key_columns = [&](const std::string& s) {
      std::vector<std::string> names;
      const auto open = s.find('('), close = s.find(')', open);
      if (open == std::string::npos || close == std::string::npos) return names;
      std::string inner = s.substr(open + 1, close - open - 1);
      std::string cur;
      for (char ch : inner + ",") {
        if (ch == ',') {
          names.push_back(cur);
          cur.clear();
        } else if (ch != '`' && ch != '"' && ch != ' ') {
          cur += ch;
        }
      }
      return names;
    };
    if (!primary_key_line_.empty()) {
      const auto pk = key_columns(primary_key_line_);
      for (auto& c : columns_) c.primary_key = c.primary_key || std::find(pk.begin(), pk.end(), c.name) != pk.end();
    }
    for (const auto& u : unique_lines_) {
      const auto cols = key_columns(u);
      for (auto& c : columns_) c.unique = c.unique || (cols.size() == 1 && cols[0] == c.name);
    }
    // A one-column key is unique (an integer one numbered past the dump's largest); a
    // composite one is kept unique through one of its columns (plan_columns).
    const auto key_count = std::count_if(columns_.begin(), columns_.end(), [](const ColumnInfo& c) { return c.primary_key; });
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      if (columns_[i].primary_key && key_count == 1) {
        columns_[i].unique = true;
        if (columns_[i].integer) pk_ = i;
      }
    }
    return Status::Ok();
  }

  Status find_data() {
    // COPY <table> (...) FROM stdin; ... \.
    for (std::size_t p = content_.find("COPY "); p != std::string::npos; p = content_.find("\nCOPY ", p + 1)) {
      const std::size_t start = content_[p] == '\n' ? p + 1 : p;
      const std::size_t eol = content_.find('\n', start);
      if (eol == std::string::npos) break;
      const std::string header = content_.substr(start, eol - start);
      const auto space = header.find(' ', 5);
      if (!names_table(std::string_view(header).substr(5, space - 5)) || header.find("FROM stdin;") == std::string::npos) {
        continue;
      }
      CT_RETURN_IF_ERROR(check_column_order(header));
      std::size_t line = eol + 1;
      while (line < content_.size()) {
        std::size_t end = content_.find('\n', line);
        if (end == std::string::npos) end = content_.size();
        if (content_.compare(line, 2, "\\.") == 0) {
          copy_end_ = line;
          break;
        }
        spans_.push_back({line, end + 1, RecordKind::kCopyLine, 0});
        line = end + 1;
      }
      if (copy_end_ == std::string::npos) return Status::InvalidArgument(where_ + ": unterminated COPY block");
      return Status::Ok();
    }
    // INSERT INTO <table> ... VALUES (...)[,(...)]*;
    for (std::size_t p = content_.find("INSERT INTO "); p != std::string::npos; p = content_.find("\nINSERT INTO ", p + 1)) {
      const std::size_t start = content_[p] == '\n' ? p + 1 : p;
      const std::size_t name_end = content_.find_first_of(" (", start + 12);
      if (!names_table(std::string_view(content_).substr(start + 12, name_end - start - 12))) continue;
      const std::size_t values = content_.find("VALUES", start);
      if (values == std::string::npos) return Status::InvalidArgument(where_ + ": INSERT without VALUES");
      if (content_[name_end] == ' ' && content_[name_end + 1] == '(') {
        CT_RETURN_IF_ERROR(check_column_order(content_.substr(start, values - start)));
      }
      const auto skip_space = [&](std::size_t k) {
        while (k < content_.size() && std::isspace(static_cast<unsigned char>(content_[k]))) ++k;
        return k;
      };
      Statement st;
      st.begin = start;
      std::size_t i = skip_space(values + 6);
      st.prefix = content_.substr(start, i - start);  // up to the first '(' (MariaDB puts a newline there)
      while (i < content_.size() && content_[i] == '(') {
        const std::size_t tuple_end = end_of_tuple(i);
        if (tuple_end == std::string::npos) return Status::InvalidArgument(where_ + ": cannot parse an INSERT");
        st.tuples.push_back(spans_.size());
        spans_.push_back({i, tuple_end + 1, RecordKind::kTuple, statements_.size()});
        std::size_t next = skip_space(tuple_end + 1);
        if (next < content_.size() && content_[next] == ',') {
          const std::size_t after = skip_space(next + 1);
          // The separator between tuples, kept for the ones we add: "," or ",\n".
          if (tuple_separator_.empty()) tuple_separator_ = content_.substr(tuple_end + 1, after - tuple_end - 1);
          next = after;
        }
        i = next;
      }
      if (i >= content_.size() || content_[i] != ';') return Status::InvalidArgument(where_ + ": cannot parse an INSERT");
      st.end = content_.find('\n', i);
      st.end = st.end == std::string::npos ? content_.size() : st.end + 1;
      if (st.tuples.size() == 1 && dialect_ == Dialect::kPostgres) {
        // pg_dump --inserts: one statement per row; the statement is the record.
        spans_.back().kind = RecordKind::kInsertStatement;
        spans_.back().begin = st.begin;
        spans_.back().end = st.end;
      }
      statements_.push_back(std::move(st));
    }
    return Status::Ok();
  }

  // A column list in a COPY header or INSERT must match the CREATE TABLE order we map by.
  Status check_column_order(const std::string& text) {
    const auto open = text.find('('), close = text.rfind(')');
    if (open == std::string::npos || close == std::string::npos) return Status::Ok();
    std::vector<std::string> names;
    std::string cur;
    for (char ch : text.substr(open + 1, close - open - 1) + ",") {
      if (ch == ',') {
        names.push_back(cur);
        cur.clear();
      } else if (ch != '`' && ch != '"' && ch != ' ') {
        cur += ch;
      }
    }
    if (names.size() != columns_.size()) return Status::InvalidArgument(where_ + ": the data's columns do not match CREATE TABLE");
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i] != columns_[i].name) {
        return Status::InvalidArgument(where_ + ": the data's column order does not match CREATE TABLE");
      }
    }
    return Status::Ok();
  }

  std::size_t end_of_tuple(std::size_t open) const {
    int depth = 0;
    for (std::size_t i = open; i < content_.size(); ++i) {
      const char c = content_[i];
      if (c == '\'') {
        i = skip_literal(content_, i, dialect_);
        if (i == std::string::npos) return i;
      } else if (c == '(') {
        ++depth;
      } else if (c == ')' && --depth == 0) {
        return i;
      }
    }
    return std::string::npos;
  }

  // The cells of record i, unescaped.
  TableRow cells_at(std::size_t i) const {
    const Record& r = spans_[i];
    if (r.kind == RecordKind::kCopyLine) return copy_cells(std::string_view(content_).substr(r.begin, r.end - r.begin));
    std::string_view text(content_.data() + r.begin, r.end - r.begin);
    if (r.kind == RecordKind::kInsertStatement) text.remove_prefix(text.find("VALUES") + 6);
    return tuple_cells(text);
  }

  static TableRow copy_cells(std::string_view line) {
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    TableRow cells;
    std::string cur;
    bool null = false;
    for (std::size_t i = 0; i <= line.size(); ++i) {
      if (i == line.size() || line[i] == '\t') {
        cells.push_back(null ? Cell() : Cell(cur));
        cur.clear();
        null = false;
        continue;
      }
      if (line[i] == '\\' && i + 1 < line.size()) {
        const char e = line[++i];
        if (e == 'N') null = true;
        else if (e == 't') cur += '\t';
        else if (e == 'n') cur += '\n';
        else if (e == 'r') cur += '\r';
        else cur += e;
      } else {
        cur += line[i];
      }
    }
    return cells;
  }

  TableRow tuple_cells(std::string_view text) const {
    TableRow cells;
    std::size_t i = text.find('(') + 1;
    while (i < text.size()) {
      while (i < text.size() && text[i] == ' ') ++i;
      if (text[i] == '\'') {
        const std::size_t close = skip_literal(text, i, dialect_);
        std::string v;
        for (std::size_t k = i + 1; k < close; ++k) {
          if (dialect_ == Dialect::kMysql && text[k] == '\\' && k + 1 < close) {
            const char e = text[++k];
            v += e == 'n' ? '\n' : e == 'r' ? '\r' : e == '0' ? '\0' : e == 't' ? '\t' : e;
          } else if (text[k] == '\'' && k + 1 < close && text[k + 1] == '\'') {
            v += '\'';
            ++k;
          } else {
            v += text[k];
          }
        }
        cells.emplace_back(std::move(v));
        i = close + 1;
      } else {
        const std::size_t end = text.find_first_of(",)", i);
        std::string_view raw = text.substr(i, end - i);
        while (!raw.empty() && raw.back() == ' ') raw.remove_suffix(1);
        cells.push_back(raw == "NULL" ? Cell() : Cell(std::string(raw)));
        i = end;
      }
      while (i < text.size() && text[i] == ' ') ++i;
      if (i >= text.size() || text[i] == ')') break;
      ++i;  // the comma
    }
    return cells;
  }

  // Where a record inserted before existing record `pos` (or after the last) goes.
  std::size_t splice_point(std::uint32_t pos) const {
    if (pos < spans_.size()) return spans_[pos].begin;
    if (spans_.empty()) return copy_end_;
    const Record& last = spans_.back();
    if (last.kind == RecordKind::kTuple) return last.end;  // before the ';'
    return last.end;
  }

  std::string render(const TableRow& row, std::uint32_t pos) const {
    const RecordKind kind = spans_.empty() ? RecordKind::kCopyLine : spans_[std::min<std::size_t>(pos, spans_.size() - 1)].kind;
    switch (kind) {
      case RecordKind::kCopyLine: {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
          if (i) line += '\t';
          if (!row[i]) {
            line += "\\N";
            continue;
          }
          for (char c : *row[i]) {
            if (c == '\\') line += "\\\\";
            else if (c == '\t') line += "\\t";
            else if (c == '\n') line += "\\n";
            else if (c == '\r') line += "\\r";
            else line += c;
          }
        }
        return line + "\n";
      }
      case RecordKind::kInsertStatement: {
        const Statement& st = statements_[spans_[std::min<std::size_t>(pos, spans_.size() - 1)].statement];
        return st.prefix + tuple(row) + ";" + line_ending_;
      }
      case RecordKind::kTuple:
        return pos < spans_.size() ? tuple(row) + separator() : separator() + tuple(row);
    }
    return {};
  }

  std::string separator() const { return tuple_separator_.empty() ? std::string(",") : tuple_separator_; }

  std::string tuple(const TableRow& row) const {
    std::string out = "(";
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i) out += dialect_ == Dialect::kPostgres ? ", " : ",";
      if (!row[i]) {
        out += "NULL";
      } else if (columns_[i].integer && fits_int64(*row[i])) {
        out += *row[i];
      } else {
        out += '\'';
        for (char c : *row[i]) {
          if (c == '\'') out += dialect_ == Dialect::kMysql ? "\\'" : "''";
          else if (dialect_ == Dialect::kMysql && c == '\\') out += "\\\\";
          else if (dialect_ == Dialect::kMysql && c == '\n') out += "\\n";
          else if (dialect_ == Dialect::kMysql && c == '\r') out += "\\r";
          else out += c;
        }
        out += '\'';
      }
    }
    return out + ")";
  }

  std::string table_;
  Dialect dialect_ = Dialect::kPostgres;
  std::string primary_key_line_;
  std::vector<std::string> unique_lines_;
  std::vector<Record> spans_;
  std::vector<Statement> statements_;
  std::string tuple_separator_;
  std::size_t copy_end_ = std::string::npos;
  std::size_t pk_ = npos_;
};

}  // namespace

Result<std::unique_ptr<Target>> open_sql_dump_target(const TargetUri& uri, const std::string& table) {
  if (table.empty()) return Status::InvalidArgument("target " + uri.redacted + ": --table is required for a SQL dump");
  auto content = read_target_file(uri);
  if (!content) return content.status();
  auto t = std::make_unique<SqlDumpTarget>(uri, std::move(*content), table);
  CT_RETURN_IF_ERROR(t->split());
  return std::unique_ptr<Target>(std::move(t));
}

}  // namespace canarytrap::plant
