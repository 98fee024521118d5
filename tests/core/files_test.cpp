#include "canarytrap/core/files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "support/temp_dir.h"

namespace canarytrap {
namespace {

using testing::read_file;
using testing::TempDir;

TEST(FilesTest, StagedFileAppearsOnlyOnCommit) {
  TempDir dir;
  const auto target = dir / "secret.key";
  auto staged = stage_file(target, "abc\n", 0600);
  ASSERT_TRUE(staged) << staged.status().message();
  EXPECT_FALSE(std::filesystem::exists(target));
  EXPECT_EQ(read_file(*staged), "abc\n");
  ASSERT_TRUE(commit_staged(*staged, target).ok());
  EXPECT_EQ(read_file(target), "abc\n");
  EXPECT_FALSE(std::filesystem::exists(*staged));
  struct stat st;
  ASSERT_EQ(::stat(target.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(FilesTest, UnwritableDirectoryIsAClearError) {
  if (::geteuid() == 0) {
    // root ignores directory permissions; a missing directory fails the same way.
    auto staged = stage_file("/nonexistent-canarytrap-dir/x", "abc", 0600);
    ASSERT_FALSE(staged);
    EXPECT_NE(staged.status().message().find("/nonexistent-canarytrap-dir"), std::string::npos);
    return;
  }
  TempDir dir;
  std::filesystem::permissions(dir.path(), std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
  auto staged = stage_file(dir / "x", "abc", 0600);
  ASSERT_FALSE(staged);
  EXPECT_NE(staged.status().message().find("cannot write"), std::string::npos);
}

}  // namespace
}  // namespace canarytrap
