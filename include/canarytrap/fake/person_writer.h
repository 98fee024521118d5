// Writes fake people as CSV (RFC 4180, header row) or JSON Lines, buffered, to a FILE*.
//
//   PersonWriter w(stdout, PersonWriter::Format::kCsv, locale_fields(Locale::kZhCN));
//   w.header();  w.write(person);  ...  w.flush();
#pragma once

#include <cstdio>
#include <string>
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
  void field_csv(std::string_view v);
  void field_json(std::string_view v);
  void maybe_flush();

  std::FILE* out_;
  Format format_;
  std::vector<PersonField> fields_;
  std::string buffer_;
  bool failed_ = false;
};

}  // namespace canarytrap
