#include "canarytrap/scan/scanner.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "decoders.h"
#include "mapped_window.h"

namespace canarytrap {

namespace {

constexpr std::size_t kChunk = 4 << 20;       // decompressed bytes per matcher call
constexpr std::size_t kLongestValue = 4096;   // a cut in a longer line keeps this much for the next
// Decompressed bytes per decoder call: what bounds memory whatever the compression ratio.
// (4 MB at a time scanned a zstd dump 4% slower: the fresh output no longer in the cache.)
constexpr std::size_t kDecodeStep = 1 << 20;

constexpr std::size_t kObjectLookBack = 64 << 10;  // how far back a chunk's end looks for a record's
// A plain file's bytes per read, where it cannot be mapped: small enough that the matcher
// finds them in the L2 cache.
constexpr std::size_t kReadStep = 1 << 20;
// A plain file's bytes per mapping: the 316 MB bench dump scanned as fast in windows of 4 to
// 16 MB, slower in 1 MB (a mapping's set-up); each adds to the resident set while scanned.
constexpr std::size_t kMapStep = 8 << 20;

// Whether the line data[start, end) closes a JSON object or an XML element: "}", "},",
// "</person>" alone past its indentation (and a CR); its indentation into `indent`.
bool closes_a_record(std::string_view data, std::size_t start, std::size_t end, std::size_t& indent) {
  std::size_t i = start;
  while (i < end && (data[i] == ' ' || data[i] == '\t')) ++i;
  if (end > i && data[end - 1] == '\r') --end;
  if (end > i && data[end - 1] == ',') --end;
  indent = i - start;
  return (end == i + 1 && data[i] == '}') || (end > i + 2 && data[i] == '<' && data[i + 1] == '/' && data[end - 1] == '>');
}

// Where to end a chunk of `data`: after a line's end, so that no record is cut in two. In
// pretty-printed JSON and XML a record spans lines: there, after the least indented line
// closing an object or element ("  },", "  </person>") in the last 64 KB; elsewhere after the
// last newline; failing that, at a byte no value can contain, near the end.
std::size_t cut_point(std::string_view data) {
  const char* d = data.data();
  const void* nl = data.empty() ? nullptr : ::memrchr(d, '\n', data.size());
  if (nl != nullptr) {
    const std::size_t last = static_cast<std::size_t>(static_cast<const char*>(nl) - d);
    const std::size_t floor = last > kObjectLookBack ? last - kObjectLookBack : 0;
    std::size_t best = last + 1, best_indent = std::numeric_limits<std::size_t>::max();
    // The lines before each newline, from the last back.
    for (std::size_t end = last; end > floor && best_indent != 0;) {
      const void* before = ::memrchr(d + floor, '\n', end - floor);
      if (before == nullptr) break;
      const std::size_t start = static_cast<std::size_t>(static_cast<const char*>(before) - d) + 1;
      if (std::size_t indent = 0; closes_a_record(data, start, end, indent) && indent < best_indent) {
        best = end + 1;
        best_indent = indent;
      }
      end = start - 1;
    }
    return best;
  }
  const std::size_t floor = data.size() > kLongestValue ? data.size() - kLongestValue : 0;
  for (std::size_t i = data.size(); i > floor; --i) {
    const unsigned char c = static_cast<unsigned char>(data[i - 1]);
    if (c == ',' || c == '\t' || c == '"' || c == ';' || c == '\'' || c == 0) return i;
  }
  return data.size();
}

// Runs the matcher over one buffer, keeping matches in order with their line numbers.
class ChunkSink {
 public:
  ChunkSink(const NeedleIndex& index, bool every) : matcher_(index), every_(every) {}

  void feed(std::string_view chunk, std::uint64_t base) {
    raw_.clear();
    const std::uint64_t newlines = matcher_.scan(chunk, base, raw_);
    std::sort(raw_.begin(), raw_.end(), [](const RawMatch& a, const RawMatch& b) { return a.offset < b.offset; });
    for (const RawMatch& m : raw_) {
      // Two kinds of a canary's passive values in one record is what tells a leaked canary row
      // from real people who share one value each: the last passive match of each canary is
      // kept, to pair it with the next.
      if (m.kind != NeedleKind::kToken && m.kind != NeedleKind::kEmail) {
        auto [last, first] = last_passive_.try_emplace(m.canary, LastPassive{m.offset, m.kind});
        if (!first) {
          if (last->second.kind != m.kind && m.offset - last->second.offset <= kPassivePairReach) paired_.insert(m.canary);
          last->second = {m.offset, m.kind};
        }
      }
      // The first match per canary and kind.
      const std::uint64_t key = std::uint64_t{m.canary} << 3 | static_cast<std::uint64_t>(m.kind);
      if (!every_ && !seen_.insert(key).second) continue;
      matches_.push_back({m.canary, m.kind, m.offset, lines_ + m.line + 1});
    }
    lines_ += newlines;
  }

  std::vector<FileMatch>& matches() { return matches_; }
  const std::unordered_set<std::uint32_t>& paired() const { return paired_; }
  std::uint64_t lines() const { return lines_; }

 private:
  Matcher matcher_;
  bool every_;
  std::vector<RawMatch> raw_;
  std::vector<FileMatch> matches_;
  std::unordered_set<std::uint64_t> seen_;
  struct LastPassive {
    std::uint64_t offset;
    NeedleKind kind;
  };
  std::unordered_map<std::uint32_t, LastPassive> last_passive_;  // canaries matched by a passive value
  std::unordered_set<std::uint32_t> paired_;
  std::uint64_t lines_ = 0;
};

// The canaries paired in any of the sinks, ascending. (A record is never split between
// threads: chunks are cut at record ends.)
std::vector<std::int64_t> paired_in(const std::vector<const ChunkSink*>& sinks) {
  std::vector<std::int64_t> out;
  for (const ChunkSink* sink : sinks) out.insert(out.end(), sink->paired().begin(), sink->paired().end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

struct Sha256 {
  EVP_MD_CTX* ctx = nullptr;
  explicit Sha256(bool on) {
    if (!on) return;
    ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  }
  ~Sha256() { EVP_MD_CTX_free(ctx); }
  void update(const void* p, std::size_t n) {
    if (ctx) EVP_DigestUpdate(ctx, p, n);
  }
  std::string hex() {
    if (!ctx) return "";
    unsigned char md[32];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx, md, &len);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < len; ++i) out += {kHex[md[i] >> 4], kHex[md[i] & 15]};
    return out;
  }
};

// Streams a file descriptor (standard input, a compressed file, UTF-16 or GB 18030 text)
// through the matcher: read, decompressed (by the file's magic bytes), transcoded to UTF-8
// (by the text's first bytes), scanned in chunks that end at line ends.
void scan_stream(int fd, const NeedleIndex& index, const ScanOptions& options, FileScan& r) {
  using scan_input::Decoder;
  ChunkSink sink(index, options.every_match);
  Sha256 sha(options.hash);
  std::string raw(1 << 20, '\0');
  std::string decompressed;  // this read's decompressed bytes, on their way to `text`
  std::string head;          // the text's first bytes, until its encoding is known
  std::string text;          // bytes to scan, not scanned yet
  std::unique_ptr<Decoder> decompressor, transcoder;
  bool first = true, sniffed = false;
  std::uint64_t consumed = 0, scanned = 0;
  const auto drain = [&](bool all) {
    while (!text.empty() && (all || text.size() >= kChunk)) {
      const std::size_t cut = all ? text.size() : cut_point(std::string_view(text).substr(0, std::min(text.size(), kChunk * 2)));
      sink.feed(std::string_view(text).substr(0, cut), scanned);
      scanned += cut;
      text.erase(0, cut);
      if (!all && cut == 0) break;
    }
  };
  // Decoded bytes into `text`: held back until the first kSniffBytes tell the encoding.
  const auto take = [&](std::string_view decoded, bool at_end) {
    if (!sniffed) {
      head.append(decoded);
      if (head.size() < scan_input::kSniffBytes && !at_end) return;
      sniffed = true;
      r.encoding = scan_input::text_encoding_of(head);
      transcoder = scan_input::transcoder_for(r.encoding);
      if (!transcoder) r.encoding.clear();  // no decoder for it here: read as bytes
      decoded = head;
    }
    if (transcoder) {
      // Reads it all, never fails: what it cannot read becomes U+FFFD.
      (void)transcoder->decode(decoded, text, std::string::npos);
    } else {
      text.append(decoded);
    }
    head.clear();
  };
  // One read's compressed bytes, decompressed a chunk at a time and scanned as they come: a
  // few kilobytes of zstd can stand for gigabytes. "" or an error, with its offset in `at`.
  const auto decompress = [&](std::string_view in, std::uint64_t& at) -> std::string {
    const std::size_t size = in.size();
    for (;;) {
      // Once the text is known to need no transcoding, straight into `text`.
      const bool direct = sniffed && !transcoder;
      std::string& into = direct ? text : decompressed;
      if (!direct) decompressed.clear();
      const std::size_t left = in.size(), had = into.size();
      std::string err = decompressor->decode(in, into, kDecodeStep);
      const bool made = into.size() != had;
      at = consumed + (size - in.size());
      if (!direct) take(decompressed, false);
      drain(false);
      if (!err.empty()) return err;
      if (in.empty() && !decompressor->more()) return "";
      if (in.size() == left && !made) return "corrupt data (the decoder made no progress)";
    }
  };
  for (;;) {
    const ssize_t n = ::read(fd, raw.data(), raw.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      r.error = std::string("read error: ") + std::strerror(errno);
      break;
    }
    if (n == 0) break;
    const std::string_view got(raw.data(), static_cast<std::size_t>(n));
    if (first) {
      r.compression = scan_input::compression_of(reinterpret_cast<const unsigned char*>(got.data()), got.size());
      decompressor = scan_input::decoder_for(r.compression);
      first = false;
    }
    sha.update(got.data(), got.size());
    if (decompressor) {
      std::uint64_t at = consumed;
      if (std::string err = decompress(got, at); !err.empty()) {
        r.error = err + " at compressed byte " + std::to_string(at);
        break;
      }
    } else {
      take(got, false);
    }
    consumed += static_cast<std::uint64_t>(n);
    if (options.progress_bytes) options.progress_bytes->fetch_add(static_cast<std::uint64_t>(n));
    drain(false);
  }
  if (r.error.empty() && decompressor) {
    std::string err = decompressor->finish();
    if (!err.empty()) r.error = err + " at compressed byte " + std::to_string(consumed);
  }
  take({}, true);
  drain(true);
  r.bytes = scanned;
  r.lines = sink.lines();
  r.matches = std::move(sink.matches());
  r.paired = paired_in({&sink});
  r.sha256 = sha.hex();
}

// Reads [from, from + len) of the file at fd into out; what it read. Less only at the file's
// end (it shrank since it was measured) or on an error, then said in `error` (0: none).
std::size_t read_at(int fd, char* out, std::size_t len, std::uint64_t from, int& error) {
  std::size_t got = 0;
  while (got < len) {
    const ssize_t n = ::pread(fd, out + got, len - got, static_cast<off_t>(from + got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = n < 0 ? errno : EIO;
      break;
    }
    got += static_cast<std::size_t>(n);
  }
  return got;
}

// Scans [from, end) of the file at fd, mapped kMapStep bytes at a time (mapped_window.h), each
// window up to its last record's end, the rest with the next. Returns where it stopped, for
// the rest to be read: `end` when done; earlier where a window cannot be mapped, or where
// mapping one took longer than kSlowestMapping per page. A file found shorter than it was
// (another process truncated it) ends the scan there: `error` says so.
//
// Mapping is faster where filling a window's page tables is cheap, and slower where it is not:
// machines of one kind measured differently on the same day (mapped and its pages filled in
// 4 MB steps, the 316 MB bench dump cost 0.14 s on one virtual machine and 0.036 s on the next,
// against 0.035-0.043 s for reading it into a buffer; on the second, mapping made the whole
// scan 9% faster, the copy no longer evicting what the matcher keeps in the cache). So each
// window's mapping is timed.
std::size_t scan_mapped(int fd, std::size_t from, std::size_t end, ChunkSink& sink, const ScanOptions& options,
                        int& error) {
  // About twice what a page's copy costs on those machines (0.5 us).
  constexpr auto kSlowestMapping = std::chrono::nanoseconds(1000);
  while (from < end) {
    const auto started = std::chrono::steady_clock::now();
    const auto window = scan_input::MappedWindow::map(fd, from, std::min(kMapStep, end - from));
    if (!window) return from;
    const bool slow = std::chrono::steady_clock::now() - started > kSlowestMapping * (window->bytes().size() / 4096 + 1);
    const std::string_view bytes = window->bytes();
    std::size_t len = bytes.size();
    if (from + len < end) len = cut_point(bytes);
    if (len == 0) len = bytes.size();
    sink.feed(bytes.substr(0, len), from);
    if (options.progress_bytes) options.progress_bytes->fetch_add(len);
    if (window->truncated()) {
      error = EIO;
      return end;
    }
    from += len;
    if (slow) return from;
  }
  return end;
}

// A plain file, split between threads at line ends, each thread mapping its part a window at
// a time (scan_mapped), and where it does not, reading it a megabyte at a time into a buffer
// of its own.
void scan_file(int fd, std::size_t size, const NeedleIndex& index, const ScanOptions& options, FileScan& r) {
  const int threads = std::max(1, std::min<int>(options.threads, static_cast<int>(size / (1 << 20)) + 1));
  std::vector<std::size_t> bounds{0};
  std::string probe(kObjectLookBack, '\0');
  for (int t = 1; t < threads; ++t) {
    std::size_t at = size * static_cast<std::size_t>(t) / static_cast<std::size_t>(threads);
    at = std::max(at, bounds.back());
    // Where a chunk would end in the 64 KB from there: a pretty-printed record is not split
    // between threads either.
    int error = 0;
    const std::size_t got = read_at(fd, probe.data(), std::min(size, at + kObjectLookBack) - at, at, error);
    bounds.push_back(at + cut_point(std::string_view(probe.data(), got)));
  }
  bounds.push_back(size);
  std::vector<std::unique_ptr<ChunkSink>> sinks;
  for (int t = 0; t < threads; ++t) sinks.push_back(std::make_unique<ChunkSink>(index, options.every_match));
  std::vector<int> read_errors(static_cast<std::size_t>(threads), 0);
  const auto work = [&](int t) {
    const std::size_t end = bounds[static_cast<std::size_t>(t) + 1];
    int& error = read_errors[static_cast<std::size_t>(t)];
    // The file offset of buf[0]: where mapping stopped.
    std::size_t scanned = scan_mapped(fd, bounds[static_cast<std::size_t>(t)], end, *sinks[static_cast<std::size_t>(t)],
                                      options, error);
    std::size_t filled = 0;  // buf[0, filled): read, not scanned
    std::string buf;
    while (scanned + filled < end) {
      const std::size_t want = std::min(kReadStep, end - (scanned + filled));
      if (buf.size() < filled + want) buf.resize(filled + want);
      const std::size_t got = read_at(fd, buf.data() + filled, want, scanned + filled, error);
      filled += got;
      if (got < want) break;  // the file shrank or could not be read: what came is scanned
      std::size_t len = filled;
      if (scanned + filled < end) len = cut_point(std::string_view(buf.data(), filled));
      if (len == 0) len = filled;
      sinks[static_cast<std::size_t>(t)]->feed(std::string_view(buf.data(), len), scanned);
      if (options.progress_bytes) options.progress_bytes->fetch_add(len);
      std::memmove(buf.data(), buf.data() + len, filled - len);
      filled -= len;
      scanned += len;
    }
    if (filled > 0) {
      sinks[static_cast<std::size_t>(t)]->feed(std::string_view(buf.data(), filled), scanned);
      scanned += filled;
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& t : pool) t.join();
  for (int e : read_errors) {
    if (e != 0 && r.error.empty()) r.error = e == EIO ? "read error: the file shrank while it was scanned" : std::string("read error: ") + std::strerror(e);
  }
  // Merge: line numbers shift by the lines of the parts before; first match per canary wins.
  std::uint64_t lines_before = 0;
  std::unordered_set<std::uint64_t> seen;
  for (auto& sink : sinks) {
    for (FileMatch m : sink->matches()) {
      const std::uint64_t key = static_cast<std::uint64_t>(m.canary_id) << 3 | static_cast<std::uint64_t>(m.kind);
      if (!options.every_match && !seen.insert(key).second) continue;
      m.line += lines_before;
      r.matches.push_back(m);
    }
    lines_before += sink->lines();
  }
  r.lines = lines_before;
  r.bytes = size;
  std::vector<const ChunkSink*> all;
  for (const auto& sink : sinks) all.push_back(sink.get());
  r.paired = paired_in(all);
}

}  // namespace

FileScan Scanner::scan_path(const std::string& path) {
  FileScan r;
  r.path = path;
  if (path == "-") {
    scan_stream(STDIN_FILENO, index_, options_, r);
    return r;
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    r.error = std::strerror(errno);
    return r;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
    r.error = S_ISDIR(st.st_mode) ? "is a directory" : std::strerror(errno);
    ::close(fd);
    return r;
  }
  // Compressed data and UTF-16 text are streamed through their decoders; everything else is
  // read and scanned as it is.
  std::string head(scan_input::kSniffBytes, '\0');
  const ssize_t got = ::pread(fd, head.data(), head.size(), 0);
  head.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
  const bool decode = !scan_input::compression_of(reinterpret_cast<const unsigned char*>(head.data()), head.size()).empty() ||
                      !scan_input::text_encoding_of(head).empty();
  if (!S_ISREG(st.st_mode) || decode || st.st_size == 0) {
    scan_stream(fd, index_, options_, r);
    ::close(fd);
    return r;
  }
  const auto size = static_cast<std::size_t>(st.st_size);
  if (options_.hash) {
    Sha256 sha(true);
    std::string buf(kReadStep, '\0');
    for (std::uint64_t at = 0; at < size;) {
      int error = 0;
      const std::size_t got = read_at(fd, buf.data(), std::min<std::size_t>(kReadStep, size - at), at, error);
      if (got == 0) break;
      sha.update(buf.data(), got);
      at += got;
    }
    r.sha256 = sha.hex();
  }
  scan_file(fd, size, index_, options_, r);
  ::close(fd);
  return r;
}

std::vector<FileScan> Scanner::scan_tree(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  std::vector<FileScan> out;
  auto it = std::filesystem::recursive_directory_iterator(dir, std::filesystem::directory_options::skip_permission_denied, ec);
  if (ec) {
    FileScan r;
    r.path = dir;
    r.error = ec.message();
    out.push_back(r);
    return out;
  }
  for (const auto& entry : it) {
    if (entry.is_regular_file(ec)) files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) out.push_back(scan_path(f));
  return out;
}

}  // namespace canarytrap
