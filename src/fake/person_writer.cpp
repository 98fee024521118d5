#include "canarytrap/fake/person_writer.h"

#include <array>
#include <cerrno>
#include <cstring>

namespace canarytrap {

namespace {

constexpr std::size_t kBufferSize = 1 << 20;

// Bytes that force a CSV field into quotes. A table, not find_first_of: that runs one memchr
// per byte of the set for every byte of the value, and was half of `fake`'s time.
constexpr std::array<bool, 256> kCsvSpecial = [] {
  std::array<bool, 256> t{};
  t[','] = t['"'] = t['\r'] = t['\n'] = true;
  return t;
}();

// Copies the value while looking for bytes that need quoting (one pass over it: the values
// are short, and a memcpy call per value cost more than the bytes), then quotes it if any.
// Needs 2 * v.size() + 2 bytes at `out`.
char* field_csv(char* out, std::string_view v) {
  bool special = false;
  char* start = out;
  for (char c : v) {
    special |= kCsvSpecial[static_cast<unsigned char>(c)];
    *out++ = c;
  }
  if (!special) return out;
  out = start;
  *out++ = '"';
  for (char c : v) {
    if (c == '"') *out++ = '"';
    *out++ = c;
  }
  *out++ = '"';
  return out;
}

// Needs 6 * v.size() + 2 bytes at `out`.
char* field_json(char* out, std::string_view v) {
  static constexpr char kHex[] = "0123456789abcdef";
  *out++ = '"';
  for (unsigned char c : v) {
    if (c == '"' || c == '\\') {
      *out++ = '\\';
      *out++ = static_cast<char>(c);
    } else if (c < 0x20) {
      std::memcpy(out, "\\u00", 4);
      out += 4;
      *out++ = kHex[c >> 4];
      *out++ = kHex[c & 15];
    } else {
      *out++ = static_cast<char>(c);
    }
  }
  *out++ = '"';
  return out;
}

char* put(char* out, std::string_view s) {
  std::memcpy(out, s.data(), s.size());
  return out + s.size();
}

}  // namespace

Result<PersonWriter::Format> PersonWriter::parse_format(std::string_view name) {
  if (name == "csv") return Format::kCsv;
  if (name == "jsonl") return Format::kJsonl;
  return Status::InvalidArgument("unknown format '" + std::string(name) + "' (want csv or jsonl)");
}

PersonWriter::PersonWriter(std::FILE* out, Format format, std::vector<PersonField> fields)
    : out_(out), format_(format), fields_(std::move(fields)), buffer_(kBufferSize) {}

PersonWriter::~PersonWriter() { (void)flush(); }

char* PersonWriter::room(std::size_t n) {
  if (used_ + n > buffer_.size()) {
    (void)flush();  // an error is kept in failed_ and reported by the next flush()
    if (n > buffer_.size()) buffer_.resize(n);
  }
  return buffer_.data() + used_;
}

void PersonWriter::header() {
  if (format_ != Format::kCsv) return;
  std::size_t most = 1;
  for (PersonField f : fields_) most += field_name(f).size() + 1;
  char* out = room(most);
  for (std::size_t i = 0; i < fields_.size(); ++i) {
    if (i) *out++ = ',';
    out = put(out, field_name(fields_[i]));
  }
  *out++ = '\n';
  wrote(out);
}

void PersonWriter::write(const Person& p) {
  if (format_ == Format::kCsv) {
    std::size_t most = 1;
    for (PersonField f : fields_) most += 2 * p[f].size() + 3;
    char* out = room(most);
    for (std::size_t i = 0; i < fields_.size(); ++i) {
      if (i) *out++ = ',';
      out = field_csv(out, p[fields_[i]]);
    }
    *out++ = '\n';
    wrote(out);
    return;
  }
  std::size_t most = 3;
  for (PersonField f : fields_) most += 6 * p[f].size() + field_name(f).size() + 6;
  char* out = room(most);
  *out++ = '{';
  for (std::size_t i = 0; i < fields_.size(); ++i) {
    if (i) *out++ = ',';
    *out++ = '"';
    out = put(out, field_name(fields_[i]));
    out = put(out, "\":");
    out = field_json(out, p[fields_[i]]);
  }
  *out++ = '}';
  *out++ = '\n';
  wrote(out);
}

Status PersonWriter::flush() {
  if (used_ > 0 && !failed_) {
    if (std::fwrite(buffer_.data(), 1, used_, out_) != used_) failed_ = true;
  }
  used_ = 0;
  if (!failed_ && std::fflush(out_) != 0) failed_ = true;
  if (failed_) return Status::IoError(std::string("cannot write output: ") + std::strerror(errno));
  return Status::Ok();
}

}  // namespace canarytrap
