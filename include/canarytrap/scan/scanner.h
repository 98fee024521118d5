// Scanner: reads inputs and runs the Matcher over them. Searching (Matcher), reading
// (this), attributing (attribution.h) and printing (cmd_scan) are separate pieces.
//
// Plain files are read a megabyte at a time, split between threads at line ends; gzip, zstd and xz
// files (recognised by their magic bytes, not their names), UTF-16 and GB 18030 text (by
// their first bytes: decoders.h) and standard input are streamed through their decoders in
// chunks that end at line ends; offsets are then in the decoded bytes. Memory stays bounded
// whatever the input: a line longer than the chunk is cut where no value can span the cut,
// and a decoder stops every 1 MiB of output.
//
//   Scanner scanner(index, {.threads = 2});
//   FileScan r = scanner.scan_path("dump.sql.gz");    // r.error set if it could not be read
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "canarytrap/scan/matcher.h"

namespace canarytrap {

struct ScanOptions {
  int threads = 1;
  bool every_match = false;  // all matches, not just the first per canary and kind per file
  bool hash = false;         // compute the input's SHA-256 (for --record)
  std::atomic<std::uint64_t>* progress_bytes = nullptr;  // bytes read so far, for a progress bar
};

// How close two passive values must stand to be one record's: as far as the matcher looks for
// a name's birth date.
constexpr std::uint64_t kPassivePairReach = 4096;

struct FileMatch {
  std::int64_t canary_id = 0;
  NeedleKind kind = NeedleKind::kToken;
  std::uint64_t offset = 0;  // in the decoded (decompressed, transcoded) bytes
  std::uint64_t line = 0;    // 1-based
};

struct FileScan {
  std::string path;            // as given; "-" for standard input
  std::string compression;     // "", gzip, zstd, xz
  std::string encoding;        // "", utf-16le, utf-16be, gb18030: transcoded to UTF-8 to be scanned
  std::uint64_t bytes = 0;     // decoded bytes scanned
  std::uint64_t lines = 0;     // newline count (records, roughly)
  std::string sha256;          // of the file as stored, if asked
  std::vector<FileMatch> matches;  // by offset
  // Canaries two different kinds of whose passive values (ID, phone/SSN/card, name with
  // birth date) stand within kPassivePairReach bytes of each other: in one record, as a
  // leaked canary row holds them. Ascending.
  std::vector<std::int64_t> paired;
  std::string error;           // "" if it was read whole
};

class Scanner {
 public:
  Scanner(const NeedleIndex& index, ScanOptions options) : index_(index), options_(options) {}
  // A file, or "-" for standard input.
  FileScan scan_path(const std::string& path);
  // Files under `dir`, recursively, in name order; each its own FileScan.
  std::vector<FileScan> scan_tree(const std::string& dir);

 private:
  const NeedleIndex& index_;
  ScanOptions options_;
};

}  // namespace canarytrap
