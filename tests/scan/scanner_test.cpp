// Reading inputs: plain, gzip, zstd, xz (by magic, not name), directories, bad files,
// gigantic lines, threads.
#include "canarytrap/scan/scanner.h"

#include <gtest/gtest.h>

#include <sys/resource.h>

#include <filesystem>
#include <fstream>

#include "canarytrap/scan/evidence.h"
#include "support/run_process.h"
#include "support/temp_dir.h"

namespace canarytrap {
namespace {

using testing::TempDir;
using namespace std::string_literals;

class ScannerTest : public ::testing::Test {
 protected:
  ScannerTest()
      : index_(NeedleIndex::build({{1, "phone", "13812345678"},
                                   {2, "email", "li.wei@mail.example.net"},
                                   {3, "token", "a8e1aa1e8b035c77fa77ad62"},
                                   {4, "name_dob", "王静嘉|19741123"}})) {}

  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return (dir_ / name).string();
  }
  std::string compress(const std::string& tool, const std::string& file) {
    auto r = testing::run_process({tool, "-k", "-f", file});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return file + (tool == "/usr/bin/gzip" ? ".gz" : tool == "/usr/bin/zstd" ? ".zst" : ".xz");
  }
  static std::set<std::int64_t> canaries(const FileScan& s) {
    std::set<std::int64_t> out;
    for (const auto& m : s.matches) out.insert(m.canary_id);
    return out;
  }

  TempDir dir_;
  NeedleIndex index_;
};

std::string rows(int n, int with_phone_at, int with_mail_at) {
  std::string text = "id,name,phone,email\n";
  for (int i = 1; i <= n; ++i) {
    text += std::to_string(i) + ",someone," + (i == with_phone_at ? "138-1234-5678" : "13900000000") + "," +
            (i == with_mail_at ? "LI.WEI@MAIL.EXAMPLE.NET" : "x@example.org") + "\n";
  }
  return text;
}

TEST_F(ScannerTest, PlainFileWithLinesAndOffsets) {
  const std::string text = rows(1000, 500, 900);
  const std::string path = write("dump.csv", text);
  FileScan s = Scanner(index_, {}).scan_path(path);
  EXPECT_EQ(s.error, "");
  EXPECT_EQ(s.lines, 1001u);
  EXPECT_EQ(s.bytes, text.size());
  ASSERT_EQ(s.matches.size(), 2u);
  EXPECT_EQ(s.matches[0].canary_id, 1);
  EXPECT_EQ(s.matches[0].line, 501u);
  EXPECT_EQ(text.substr(s.matches[0].offset, 13), "138-1234-5678");
  EXPECT_EQ(s.matches[1].line, 901u);
}

// UTF-16 text (Excel's "Unicode Text", SQL Server's bcp -w, PowerShell's redirections) is
// read as the text it holds, with or without a byte order mark, compressed or not; offsets
// are in the text as UTF-8.
TEST_F(ScannerTest, Utf16TextIsReadAsText) {
  const std::string text = rows(3000, 10, 2990);
  const auto utf16 = [&](bool big_endian) {
    std::string out;
    for (char c : text) out += big_endian ? std::string{'\0', c} : std::string{c, '\0'};
    return out;
  };
  struct Case {
    std::string name, bytes, encoding;
  };
  const std::vector<Case> cases = {{"le-bom.csv", "\xFF\xFE"s + utf16(false), "utf-16le"},
                                   {"be-bom.csv", "\xFE\xFF"s + utf16(true), "utf-16be"},
                                   {"le.csv", utf16(false), "utf-16le"},
                                   {"be.csv", utf16(true), "utf-16be"}};
  for (const Case& c : cases) {
    std::vector<std::string> paths = {write(c.name, c.bytes)};
    paths.push_back(compress("/usr/bin/gzip", paths[0]));
    for (const std::string& path : paths) {
      FileScan s = Scanner(index_, {.threads = 2}).scan_path(path);
      EXPECT_EQ(s.error, "") << path;
      EXPECT_EQ(s.encoding, c.encoding) << path;
      EXPECT_EQ(s.bytes, text.size()) << path;
      EXPECT_EQ(s.lines, 3001u) << path;
      EXPECT_EQ(canaries(s), (std::set<std::int64_t>{1, 2})) << path;
      ASSERT_EQ(s.matches.size(), 2u) << path;
      EXPECT_EQ(text.substr(s.matches[0].offset, 13), "138-1234-5678") << path;
      EXPECT_EQ(s.matches[1].line, 2991u) << path;
    }
  }
  // The same text in UTF-8 is mapped and scanned as it is.
  FileScan plain = Scanner(index_, {}).scan_path(write("plain.csv", text));
  EXPECT_EQ(plain.encoding, "");
  EXPECT_EQ(canaries(plain), (std::set<std::int64_t>{1, 2}));
}

// Chinese text in GBK (Excel's CSV in China) is read as the text it holds: the name of a
// name + birth date is found, compressed or not.
TEST_F(ScannerTest, GbkTextIsReadAsText) {
  std::string text = "id,xm,csrq\n";
  for (int i = 0; i < 2000; ++i) text += std::to_string(i) + ",\xD5\xC5\xCE\xB0,1990-01-01\n";  // 张伟
  text += "2000,\xCD\xF5\xBE\xB2\xBC\xCE,1974-11-23\n";                                        // 王静嘉
  const std::string path = write("gbk.csv", text);
  for (const std::string& p : {path, compress("/usr/bin/zstd", path)}) {
    FileScan s = Scanner(index_, {}).scan_path(p);
    EXPECT_EQ(s.error, "") << p;
    EXPECT_EQ(s.encoding, "gb18030") << p;
    EXPECT_EQ(canaries(s), std::set<std::int64_t>{4}) << p;
    ASSERT_EQ(s.matches.size(), 1u) << p;
    EXPECT_EQ(s.matches[0].line, 2002u) << p;
  }
}

TEST_F(ScannerTest, CompressedInputsAreRecognisedByTheirBytes) {
  const std::string text = rows(20000, 7, 19999);
  const std::string plain = write("dump.csv", text);
  for (const char* tool : {"/usr/bin/gzip", "/usr/bin/zstd", "/usr/bin/xz"}) {
    const std::string packed = compress(tool, plain);
    // A misleading name changes nothing.
    std::filesystem::rename(packed, dir_ / "renamed.txt");
    FileScan s = Scanner(index_, {}).scan_path((dir_ / "renamed.txt").string());
    EXPECT_EQ(s.error, "") << tool;
    EXPECT_NE(s.compression, "") << tool;
    EXPECT_EQ(s.bytes, text.size()) << tool;
    EXPECT_EQ(canaries(s), (std::set<std::int64_t>{1, 2})) << tool;
    ASSERT_EQ(s.matches.size(), 2u);
    EXPECT_EQ(s.matches[1].line, 20000u) << tool;
  }
}

// A few kilobytes of zstd or gzip can stand for gigabytes (here 256 MiB of zeros, and a line
// with a canary after it): decoded a chunk at a time and scanned as they come, in bounded
// memory. Also frames whose end falls exactly on the end of a decoder's output buffer.
TEST_F(ScannerTest, CompressionBombsAreReadInBoundedMemory) {
  const std::string tail = write("tail.csv", "x,13812345678\n");
  for (const std::string tool : {"zstd", "gzip"}) {
    const std::string bomb = (dir_ / ("bomb." + tool)).string();
    auto made = testing::run_process(
        {"/bin/sh", "-c", "{ head -c 268435456 /dev/zero; cat '" + tail + "'; } | " + tool + " -9 -c > '" + bomb + "'"});
    ASSERT_EQ(made.exit_code, 0) << made.err;
    ASSERT_LT(std::filesystem::file_size(bomb), 1u << 20) << tool;
    rusage before{};
    getrusage(RUSAGE_SELF, &before);
    FileScan s = Scanner(index_, {}).scan_path(bomb);
    rusage after{};
    getrusage(RUSAGE_SELF, &after);
    EXPECT_EQ(s.error, "") << tool;
    EXPECT_EQ(s.bytes, (256u << 20) + 14) << tool;
    EXPECT_EQ(canaries(s), std::set<std::int64_t>{1}) << tool;
    EXPECT_LT(after.ru_maxrss - before.ru_maxrss, 128 * 1024) << tool << ": KB more at the high-water mark";
  }
  for (long size : {262144L, 1048576L, 4194304L}) {
    const std::string zeros = write("zeros.bin", std::string(static_cast<std::size_t>(size), '\0'));
    FileScan s = Scanner(index_, {}).scan_path(compress("/usr/bin/zstd", zeros));
    EXPECT_EQ(s.error, "") << size;
    EXPECT_EQ(s.bytes, static_cast<std::uint64_t>(size));
  }
}

// A plain file is mapped 8 MB at a time, each window unmapped once scanned (or read a megabyte
// at a time into buffers): however large the dump, the scan's memory is the index, a window
// and its buffers (the "< 200 MB" counted the mapped file apart). 160 MiB of a sparse
// file, the canary's line at its end, on 1 and 2 threads.
TEST_F(ScannerTest, PlainFilesAreReadInBoundedMemory) {
  const std::string path = (dir_ / "big.csv").string();
  {
    std::ofstream(path, std::ios::binary) << "id,phone\n";
    std::filesystem::resize_file(path, 160u << 20);
    std::ofstream(path, std::ios::binary | std::ios::app) << "\n7,138 1234 5678\n";
  }
  for (int threads : {1, 2}) {
    rusage before{};
    getrusage(RUSAGE_SELF, &before);
    FileScan s = Scanner(index_, {.threads = threads}).scan_path(path);
    rusage after{};
    getrusage(RUSAGE_SELF, &after);
    EXPECT_EQ(s.error, "");
    EXPECT_EQ(s.bytes, (160u << 20) + 17);
    EXPECT_EQ(canaries(s), std::set<std::int64_t>{1}) << threads << " threads";
    EXPECT_EQ(s.lines, 3u);
    EXPECT_LT(after.ru_maxrss - before.ru_maxrss, 32 * 1024) << threads << " threads: KB more at the high-water mark";
  }
}

TEST_F(ScannerTest, TruncatedArchiveKeepsWhatCameBeforeAndNamesTheOffset) {
  // The phone early, the e-mail at the very end: cut the archive in half.
  const std::string plain = write("dump.csv", rows(200000, 3, 199999));
  for (const char* tool : {"/usr/bin/gzip", "/usr/bin/zstd", "/usr/bin/xz"}) {
    const std::string packed = compress(tool, plain);
    std::ifstream in(packed, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string cut = write("cut.bin", bytes.substr(0, bytes.size() / 2));
    FileScan s = Scanner(index_, {}).scan_path(cut);
    EXPECT_NE(s.error.find("truncated"), std::string::npos) << tool << ": " << s.error;
    EXPECT_NE(s.error.find("compressed byte"), std::string::npos) << s.error;
    EXPECT_EQ(canaries(s), std::set<std::int64_t>{1}) << tool;
    // Garbage in the middle: corrupt, not a crash.
    std::string broken = bytes;
    for (std::size_t i = broken.size() / 3; i < broken.size() / 3 + 64; ++i) broken[i] = static_cast<char>(~broken[i]);
    FileScan c = Scanner(index_, {}).scan_path(write("broken.bin", broken));
    EXPECT_NE(c.error, "") << tool;
  }
}

TEST_F(ScannerTest, GiganticLinesAndThreadsFindTheSame) {
  // One 12 MB line of cells, values near the chunk size, NUL bytes and invalid UTF-8.
  std::string line;
  while (line.size() < 12'000'000) line += "\"cell\",\x80\xff,\0,"s;
  line.insert(4'194'000, ",13812345678,");
  line.insert(8'000'000, ",li.wei@mail.example.net,");
  line += ",a8e1aa1e8b035c77fa77ad62\n";
  const std::string path = write("huge.csv", line + rows(100000, 50000, 99999));
  FileScan one = Scanner(index_, {.threads = 1}).scan_path(path);
  FileScan four = Scanner(index_, {.threads = 4}).scan_path(path);
  EXPECT_EQ(canaries(one), (std::set<std::int64_t>{1, 2, 3}));
  ASSERT_EQ(one.matches.size(), four.matches.size());
  for (std::size_t i = 0; i < one.matches.size(); ++i) {
    EXPECT_EQ(one.matches[i].offset, four.matches[i].offset);
    EXPECT_EQ(one.matches[i].line, four.matches[i].line);
  }
  ScanOptions every;
  every.every_match = true;
  FileScan all = Scanner(index_, every).scan_path(path);
  EXPECT_EQ(all.matches.size(), 5u);  // the phone and e-mail once more in the rows
}

// Pretty-printed JSON and XML span chunks (4 MB) and threads: they are cut between two people,
// never inside one, so every one is dated. (A cut after the last newline split one person a
// chunk.)
TEST_F(ScannerTest, PrettyPrintedJsonAndXmlAreCutBetweenRecords) {
  struct Format {
    const char *head, *person, *tail, *file;
  };
  const Format formats[] = {{"[\n",
                             "  {\n    \"name\": \"王静嘉\",\n    \"city\": {\n      \"name\": \"x\"\n    },\n"
                             "    \"birth_date\": \"1974-11-23\"\n  },\n",
                             "  {}\n]\n", "people.json"},
                            {"<?xml version=\"1.0\"?>\n<people>\n",
                             "  <person>\n    <name>王静嘉</name>\n    <city>\n      <name>x</name>\n    </city>\n"
                             "    <birth_date>1974-11-23</birth_date>\n  </person>\n",
                             "</people>\n", "people.xml"}};
  for (const Format& f : formats) {
    std::string text = f.head;
    std::size_t people = 0;
    while (text.size() < 9'000'000) {
      text += f.person;
      ++people;
    }
    const std::string path = write(f.file, text + f.tail);
    for (int threads : {1, 2, 3}) {
      ScanOptions every;
      every.every_match = true;
      every.threads = threads;
      FileScan s = Scanner(index_, every).scan_path(path);
      EXPECT_EQ(s.matches.size(), people) << f.file << ", " << threads << " threads";
    }
  }
}

TEST_F(ScannerTest, DirectoriesRecursivelyAndUnreadableFiles) {
  std::filesystem::create_directories(dir_ / "tree/a/b");
  write("tree/a/one.csv", rows(10, 5, 0));
  write("tree/a/b/two.csv", rows(10, 0, 3));
  std::filesystem::create_symlink(dir_ / "missing", dir_ / "tree/a/dangling.csv");
  auto scans = Scanner(index_, {}).scan_tree((dir_ / "tree").string());
  ASSERT_EQ(scans.size(), 2u);  // the dangling link is no regular file
  EXPECT_EQ(canaries(scans[0]), std::set<std::int64_t>{2});  // a/b/two.csv sorts first
  EXPECT_EQ(canaries(scans[1]), std::set<std::int64_t>{1});
  FileScan missing = Scanner(index_, {}).scan_path((dir_ / "nope.csv").string());
  EXPECT_NE(missing.error, "");
  FileScan empty = Scanner(index_, {}).scan_path(write("empty.csv", ""));
  EXPECT_EQ(empty.error, "");
  EXPECT_EQ(empty.bytes, 0u);
}

TEST_F(ScannerTest, Sha256OfTheStoredBytes) {
  const std::string path = write("x.csv", "abc");
  ScanOptions o;
  o.hash = true;
  EXPECT_EQ(Scanner(index_, o).scan_path(path).sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// Passive values prove a canary only in one record: its phone and its name with birth date
// on rows far apart are two real people sharing one value each (weak), on one row, or in
// one pretty-printed object over lines, its leaked row (found). Read, streamed (gzip) and
// on two threads (the file is 1.3 MB: canary 6's row in the first half, 7's in the second).
TEST_F(ScannerTest, PassiveValuesProveACanaryOnlyInOneRecord) {
  const NeedleIndex index = NeedleIndex::build({{5, "phone", "13900001111"},
                                               {5, "name_dob", "李四|19800101"},
                                               {6, "phone", "13900002222"},
                                               {6, "name_dob", "赵六|19900202"},
                                               {7, "id_number", "11010519491231002X"},
                                               {7, "phone", "13900003333"}});
  std::string text = "李四,男,1980-01-01,北京市\n";  // canary 5's name and birth date: a namesake
  for (int i = 0; i < 200; ++i) text += "someone,女,2001-02-03,上海市,row " + std::to_string(i) + "\n";
  text += "someone else,13900001111\n";  // canary 5's phone, 8 KB on
  text += "赵六,女,1990-02-02,13900002222\n";  // canary 6's row
  for (int i = 0; i < 30000; ++i) text += "someone,女,2001-02-03,上海市,row " + std::to_string(i) + "\n";
  text += "{\n  \"sfzh\": \"11010519491231002x\",\n  \"phones\": [\"139 0000 3333\"]\n}\n";  // canary 7's
  const std::string path = write("people.txt", text);
  for (const std::string& file : {path, compress("/usr/bin/gzip", path)}) {
    for (int threads : {1, 2}) {
      FileScan s = Scanner(index, {.threads = threads}).scan_path(file);
      EXPECT_EQ(s.paired, (std::vector<std::int64_t>{6, 7})) << file << ", " << threads << " threads";
      EXPECT_EQ(canaries(s), (std::set<std::int64_t>{5, 6, 7}));  // every value was matched
      const ScannedFile judged = judge(std::move(s), AttributionFacts{}, false);
      EXPECT_EQ(judged.weak, std::vector<std::int64_t>{5});
      EXPECT_EQ(judged.attribution.canaries_found, 2);
    }
  }
}

}  // namespace
}  // namespace canarytrap
