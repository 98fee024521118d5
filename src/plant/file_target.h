// What CSV and JSON Lines targets share: the file read whole, split into records, new
// records interleaved at random positions (or where their dates sort, in a file in date order), the result staged beside the original and renamed
// over it on commit. Private to the plant module.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "canarytrap/plant/target.h"

namespace canarytrap::plant {

class FileTarget : public Target {
 public:
  ~FileTarget() override;

  Result<std::vector<std::string>> insert(const std::vector<TableRow>& rows, FastRng& rng) override;
  void place_by_date(std::size_t column, std::string date_format, bool newest_first) override;
  Result<Removal> remove(const std::vector<PlantedRow>& rows) override;
  Result<std::vector<std::string>> existing(std::size_t column, const std::vector<std::string>& values) override;
  Result<std::optional<std::string>> largest(std::size_t column) override;
  Status commit() override;
  void rollback() override;

 protected:
  FileTarget(TargetUri uri, std::string content);

  // Splits content_ into header_ (may be empty) and records_ (each with its line ending).
  virtual Status split() = 0;
  // One new record, line ending included.
  virtual std::string serialize(const TableRow& row) = 0;
  // The cells of one existing record.
  virtual TableRow cells_of(std::string_view record) = 0;
  // How many records the file holds, and the cells of record k (SQL dumps keep their rows
  // apart from records_).
  virtual std::size_t record_count() const { return records_.size(); }
  virtual TableRow record_cells(std::size_t k) { return cells_of(records_[k]); }

  Status stage(const std::string& output);
  // Where each of `rows` goes, in the order they are to be written: (record number it goes
  // before, 0..n; index into rows), at random, or where its date sorts when place_by_date()
  // was called (rows going to one place in date order).
  std::vector<std::pair<std::uint32_t, std::size_t>> positions_for(const std::vector<TableRow>& rows, FastRng& rng);

  TargetUri uri_;
  std::string where_;
  std::string content_;
  std::string_view header_;
  std::vector<std::string_view> records_;
  std::string line_ending_ = "\n";
  std::vector<ColumnInfo> columns_;

 private:
  std::filesystem::path staged_;
  std::optional<std::size_t> date_column_;  // place_by_date()
  std::string date_format_;
  bool newest_first_ = false;
};

// Reads a whole file for a target, with errors naming it.
Result<std::string> read_target_file(const TargetUri& uri);

}  // namespace canarytrap::plant
