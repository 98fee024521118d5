// Mapped windows of a plain file: their bytes, a file truncated under them (zeros and a mark,
// not SIGBUS), a SIGBUS that is no window's (still fatal), and the scanner reading instead
// when no window can be had.
#include "scan/mapped_window.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <set>

#include "canarytrap/scan/scanner.h"
#include "support/temp_dir.h"

namespace canarytrap::scan_input {
namespace {

using testing::TempDir;

// Bytes no two pages share a run of: 251 is prime to the page size.
std::string pattern(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('!' + i % 251 % 90);
  return s;
}

class MappedWindowTest : public ::testing::Test {
 protected:
  int open_file(const std::string& text) {
    path_ = (dir_ / "file.bin").string();
    std::ofstream(path_, std::ios::binary) << text;
    fd_ = ::open(path_.c_str(), O_RDWR | O_CLOEXEC);
    EXPECT_GE(fd_, 0);
    return fd_;
  }
  ~MappedWindowTest() override {
    if (fd_ >= 0) ::close(fd_);
  }
  TempDir dir_;
  std::string path_;
  int fd_ = -1;
};

TEST_F(MappedWindowTest, BytesAreTheFilesFromAnyOffset) {
  const std::string text = pattern(5 * 4096 + 123);
  const int fd = open_file(text);
  for (const auto& [from, len] : std::vector<std::pair<std::size_t, std::size_t>>{
           {0, text.size()}, {4096, 4096}, {777, 3 * 4096 + 5}, {text.size() - 1, 1}}) {
    auto w = MappedWindow::map(fd, from, len);
    ASSERT_NE(w, nullptr) << from;
    EXPECT_EQ(w->bytes(), std::string_view(text).substr(from, len)) << from;
    EXPECT_FALSE(w->truncated());
  }
}

// Another process truncates the file while it is scanned: the bytes past its new end read as
// zeros, and the window says so; the bytes before it are still the file's.
TEST_F(MappedWindowTest, ATruncatedFileReadsAsZerosPastItsEnd) {
  const std::string text = pattern(6 * 4096);
  const int fd = open_file(text);
  const std::size_t from = 1000, new_size = 2 * 4096 + 10;
  auto w = MappedWindow::map(fd, from, text.size() - from);
  ASSERT_NE(w, nullptr);
  ASSERT_EQ(::ftruncate(fd, static_cast<off_t>(new_size)), 0);
  const std::string_view bytes = w->bytes();
  std::string read(bytes.size(), '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) read[i] = bytes[i];  // a byte at a time: every page faults
  EXPECT_TRUE(w->truncated());
  EXPECT_EQ(read.substr(0, new_size - from), text.substr(from, new_size - from));
  EXPECT_EQ(read.substr(new_size - from), std::string(bytes.size() - (new_size - from), '\0'));
  // The window's slot is free again and the next window is whole.
  w.reset();
  auto again = MappedWindow::map(fd, 0, new_size);
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->bytes(), text.substr(0, new_size));
  EXPECT_FALSE(again->truncated());
}

// A mapping of the program's own past a file's end is a bug, not a truncated window: it still
// ends the process (by SIGBUS, or in the sanitizer build by its report and an exit or abort,
// as ASAN_OPTIONS say). Surviving the read is the child's exit 0.
TEST_F(MappedWindowTest, ASigbusOutsideAnyWindowIsStillFatal) {
  const int fd = open_file(pattern(3 * 4096));
  auto w = MappedWindow::map(fd, 0, 4096);  // the handler is installed
  ASSERT_NE(w, nullptr);
  const auto died = [](int status) { return !(WIFEXITED(status) && WEXITSTATUS(status) == 0); };
  EXPECT_EXIT(
      {
        void* own = ::mmap(nullptr, 3 * 4096, PROT_READ, MAP_SHARED, fd, 0);
        if (own == MAP_FAILED || ::ftruncate(fd, 10) != 0) std::_Exit(0);
        volatile const char* p = static_cast<const char*>(own);
        (void)p[2 * 4096];
        std::_Exit(0);
      },
      died, "");
}

TEST_F(MappedWindowTest, NoMoreThanTheMostWindowsAtOnce) {
  const int fd = open_file(pattern(4096));
  std::vector<std::unique_ptr<MappedWindow>> held;
  while (held.size() < MappedWindow::kMostWindows) {
    held.push_back(MappedWindow::map(fd, 0, 100));
    ASSERT_NE(held.back(), nullptr) << held.size();
  }
  EXPECT_EQ(MappedWindow::map(fd, 0, 100), nullptr);
  held.pop_back();
  EXPECT_NE(MappedWindow::map(fd, 0, 100), nullptr);
}

// With every window taken (or a file system that cannot map), a plain file is read in copies:
// the same matches at the same offsets and lines, on one thread and on two.
TEST_F(MappedWindowTest, TheScannerReadsWhereItCannotMap) {
  const NeedleIndex index = NeedleIndex::build({{1, "phone", "13812345678"}, {2, "email", "li.wei@mail.example.net"}});
  std::string text = "id,phone,email\n";
  for (int i = 0; i < 300000; ++i) {
    text += std::to_string(i) + "," + (i == 150 ? "138 1234 5678" : "13900000000") + "," +
            (i == 290000 ? "Li.Wei@mail.example.net" : "x@example.org") + "\n";
  }
  const int fd = open_file(text);
  for (int threads : {1, 2}) {
    const FileScan mapped = Scanner(index, {.threads = threads}).scan_path(path_);
    std::vector<std::unique_ptr<MappedWindow>> held;
    while (auto w = MappedWindow::map(fd, 0, 100)) held.push_back(std::move(w));
    ASSERT_EQ(held.size(), MappedWindow::kMostWindows);
    const FileScan read = Scanner(index, {.threads = threads}).scan_path(path_);
    EXPECT_EQ(read.error, "");
    ASSERT_EQ(mapped.matches.size(), 2u) << threads;
    ASSERT_EQ(read.matches.size(), 2u) << threads;
    for (std::size_t i = 0; i < 2; ++i) {
      EXPECT_EQ(read.matches[i].canary_id, mapped.matches[i].canary_id);
      EXPECT_EQ(read.matches[i].offset, mapped.matches[i].offset);
      EXPECT_EQ(read.matches[i].line, mapped.matches[i].line);
    }
    EXPECT_EQ(read.lines, mapped.lines);
    EXPECT_EQ(read.bytes, text.size());
  }
}

}  // namespace
}  // namespace canarytrap::scan_input
