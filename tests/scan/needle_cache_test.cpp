// The scanner's index cache: reused while the registry's needles are unchanged, rebuilt
// when canaries come or go, and never trusted when damaged.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "canarytrap/scan/matcher.h"
#include "canarytrap/scan/needle_index.h"
#include "canarytrap/store/mint.h"
#include "support/temp_dir.h"

namespace canarytrap {
namespace {

class NeedleCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = Registry::open(dir_ / "r.db", {.create_if_missing = true});
    ASSERT_TRUE(r) << r.status().message();
    reg_ = std::move(*r);
  }
  std::string mint_smtp() {
    auto m = mint_canaries(*reg_, minter_, {CanaryKind::kSmtp, std::string("prod"), "", 1}, system_clock());
    EXPECT_TRUE(m) << m.status().message();
    return (*m)[0].primary()->value;
  }
  // In the table, and by the matcher in a line of text: the matcher also needs the e-mail
  // domains the index keeps (and its cache file carries) to get as far as the table.
  bool finds(const NeedleIndex& index, const std::string& email) {
    Matcher matcher(index);
    std::vector<RawMatch> found;
    matcher.scan("x,\"" + email + "\",y\n", 0, found);
    const bool matched = found.size() == 1 && found[0].kind == NeedleKind::kEmail && found[0].offset == 3;
    EXPECT_EQ(matched, index.contains(NeedleIndex::hash(NeedleKind::kEmail, email))) << email;
    return matched;
  }
  ino_t inode() {
    struct stat st {};
    EXPECT_EQ(::stat(cache_.c_str(), &st), 0);
    return st.st_ino;
  }

  testing::TempDir dir_;
  std::unique_ptr<Registry> reg_;
  TriggerMinter minter_{{"canary.example.net", {"mail.example.net"}, "http"}};
  const std::filesystem::path cache_ = NeedleIndex::cache_path_for(dir_ / "r.db");
};

TEST_F(NeedleCacheTest, ReusedWhileUnchangedRebuiltWhenCanariesChange) {
  const std::string first = mint_smtp();
  auto a = NeedleIndex::load_cached(*reg_, cache_);
  ASSERT_TRUE(a) << a.status().message();
  EXPECT_TRUE(finds(*a, first));
  ASSERT_TRUE(std::filesystem::exists(cache_));
  EXPECT_EQ(std::filesystem::status(cache_).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  const ino_t written = inode();

  // Unchanged registry: the file is read, not written again.
  auto b = NeedleIndex::load_cached(*reg_, cache_);
  ASSERT_TRUE(b);
  EXPECT_EQ(inode(), written);
  EXPECT_EQ(b->needles(), a->needles());
  EXPECT_TRUE(finds(*b, first));

  // A new canary: the old file must not hide it.
  const std::string second = mint_smtp();
  auto c = NeedleIndex::load_cached(*reg_, cache_);
  ASSERT_TRUE(c);
  EXPECT_TRUE(finds(*c, second));
  EXPECT_NE(inode(), written);

  // A canary taken out again (a failed plant's rollback): gone from the index too.
  auto rows = reg_->list_canaries({});
  ASSERT_TRUE(rows);
  ASSERT_TRUE(reg_->delete_canaries({rows->back().id}).ok());
  auto d = NeedleIndex::load_cached(*reg_, cache_);
  ASSERT_TRUE(d);
  EXPECT_FALSE(finds(*d, second));
  EXPECT_TRUE(finds(*d, first));
}

TEST_F(NeedleCacheTest, DamagedOrForeignFilesAreRebuilt) {
  const std::string email = mint_smtp();
  ASSERT_TRUE(NeedleIndex::load_cached(*reg_, cache_));
  const auto full = std::filesystem::file_size(cache_);
  std::filesystem::resize_file(cache_, full - 5);
  auto truncated = NeedleIndex::load_cached(*reg_, cache_);
  ASSERT_TRUE(truncated);
  EXPECT_TRUE(finds(*truncated, email));
  EXPECT_EQ(std::filesystem::file_size(cache_), full);

  testing::write_file(cache_, std::string(4096, 'z'));
  auto garbage = NeedleIndex::load_cached(*reg_, cache_);
  ASSERT_TRUE(garbage);
  EXPECT_TRUE(finds(*garbage, email));

  // Another registry's file (same layout, other version) is not taken for this one's.
  testing::TempDir other;
  {
    auto r2 = Registry::open(other / "r.db", {.create_if_missing = true});
    ASSERT_TRUE(r2);
    ASSERT_TRUE(mint_canaries(**r2, minter_, {CanaryKind::kSmtp, std::string("x"), "", 1}, system_clock()));
    ASSERT_TRUE(NeedleIndex::load_cached(**r2, cache_));  // overwrites ours with its own
  }
  auto ours = NeedleIndex::load_cached(*reg_, cache_);
  ASSERT_TRUE(ours);
  EXPECT_TRUE(finds(*ours, email));

  // A file written by a build that hashed values otherwise: its header's hash check (bytes
  // 72-79: magic, version, then the seventh count after it) no longer matches.
  const ino_t before = inode();
  {
    std::fstream f(cache_, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(72);
    f.write("\x01\x02\x03\x04\x05\x06\x07\x08", 8);
  }
  auto rehashed = NeedleIndex::load_cached(*reg_, cache_);
  ASSERT_TRUE(rehashed);
  EXPECT_TRUE(finds(*rehashed, email));
  EXPECT_NE(inode(), before);  // rebuilt and written again

  // A names table, a table of names' words or of two-word names without an empty slot would
  // make a probe spin for ever: such a file is refused and rebuilt. The file ends with the
  // names table (1024 slots here of a key and date bits each), the words' and the pairs'
  // tables (64 slots each), the words' 4 KB bitmap and the table of unmarked needles (one
  // slot: there are none).
  constexpr std::size_t kNamesBytes = 1024 * 8, kPartsBytes = 64 * 4, kPairsBytes = 64 * 4, kShapesBytes = 4096,
                        kUnmarkedBytes = 8;
  const std::vector<std::pair<std::size_t, std::size_t>> tables = {  // bytes from the end, length
      {kNamesBytes + kPartsBytes + kPairsBytes + kShapesBytes + kUnmarkedBytes, kNamesBytes},
      {kPartsBytes + kPairsBytes + kShapesBytes + kUnmarkedBytes, kPartsBytes},
      {kPairsBytes + kShapesBytes + kUnmarkedBytes, kPairsBytes}};
  for (const auto& [from_end, length] : tables) {
    const ino_t full = inode();
    {
      const auto bytes = std::filesystem::file_size(cache_);
      std::fstream f(cache_, std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(static_cast<std::streamoff>(bytes - from_end));
      f.write(std::string(length, '\x01').data(), static_cast<std::streamsize>(length));
    }
    auto refused = NeedleIndex::load_cached(*reg_, cache_);
    ASSERT_TRUE(refused);
    EXPECT_TRUE(finds(*refused, email));
    EXPECT_NE(inode(), full) << from_end;
  }
}

}  // namespace
}  // namespace canarytrap
