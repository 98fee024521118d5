// Writes fake people as CSV (RFC 4180, header row) or JSON Lines, buffered, to a FILE*.
//
//   PersonWriter w(stdout, PersonWriter::Format::kCsv, locale_fields(Locale::kZhCN));
//   w.header();  w.write(person);  ...  w.flush();
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "canarytrap/core/status.h"
#include "canarytrap/fake/person.h"

namespace canarytrap {

class PersonWriter {
 public:
  enum class Format { kCsv, kJsonl };
  static Result<Format> parse_format(std::string_view name);

  PersonWriter(std::FILE* out, Format format, std::vector<PersonField> fields);
  ~PersonWriter();

  void header();  // CSV only; no-op for JSON Lines
  void write(const Person& p);
  Status flush();  // also reports any earlier write error (a closed pipe, a full disk)

 private:
  // Where the next `n` bytes go: the buffer is flushed first when they would not fit.
  char* room(std::size_t n);
  void wrote(const char* end) { used_ = static_cast<std::size_t>(end - buffer_.data()); }

  std::FILE* out_;
  Format format_;
  std::vector<PersonField> fields_;
  // Written through raw pointers after one room() per row: per-byte appends to a
  // std::string (a capacity check each) were half of `fake`'s time.
  std::vector<char> buffer_;
  std::size_t used_ = 0;
  bool failed_ = false;
};

}  // namespace canarytrap
