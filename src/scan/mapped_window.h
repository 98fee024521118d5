// MappedWindow: a span of a plain file mapped read-only, its pages filled at once, for the
// scanner to read in place: reading a file in copies (pread into a buffer) cost the bench
// scan a tenth of its time, the copy itself and the cache lines it evicted.
//
// A file mapped can be truncated by another process while it is read, and a read of a page
// past its new end then raises SIGBUS, which would kill the process. So the first window
// installs a SIGBUS handler that, for a fault inside a live window, maps zero pages over the
// rest of the window and marks it truncated: the faulting read is retried and reads zeros
// (which hold no value the matcher looks for), and the scanner reports the file as shrunk,
// keeping what it found before, as it does when a read comes up short. A SIGBUS elsewhere gets
// the handler that was there before. (A handler that maps is not async-signal-safe by the
// letter of POSIX; the signal is synchronous, raised by the reading thread itself, and mmap
// is a system call on Linux.)
//
//   std::unique_ptr<MappedWindow> w = MappedWindow::map(fd, from, len);
//   if (!w) { ... read() instead: no mapping (a file system without mmap, too many windows) }
//   scan(w->bytes());
//   if (w->truncated()) { ... the file shrank: bytes past its end read as 0 ... }
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace canarytrap::scan_input {

class MappedWindow {
 public:
  // How many windows may be mapped at once, across threads; map() fails past it.
  static constexpr std::size_t kMostWindows = 64;

  // The bytes [from, from + len) of the file open at fd, len > 0, mapped and their pages
  // filled; nullptr where that fails.
  static std::unique_ptr<MappedWindow> map(int fd, std::uint64_t from, std::size_t len);
  ~MappedWindow();
  MappedWindow(const MappedWindow&) = delete;
  MappedWindow& operator=(const MappedWindow&) = delete;

  std::string_view bytes() const { return {start_, len_}; }
  // Whether a read found the file shorter than the window: from that page on, zeros.
  bool truncated() const;

 private:
  MappedWindow(void* base, std::size_t mapped, const char* start, std::size_t len, std::size_t slot)
      : base_(base), mapped_(mapped), start_(start), len_(len), slot_(slot) {}
  void* base_;           // the mapping: from the page holding `from`
  std::size_t mapped_;   // its length, whole pages
  const char* start_;    // bytes()
  std::size_t len_;
  std::size_t slot_;     // its entry in the table the SIGBUS handler reads
};

}  // namespace canarytrap::scan_input
