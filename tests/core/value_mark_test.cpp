// Value marks: the scanner's hash is fixed for good (planted canaries' marks were chosen with
// it), and a key marks one value in 16, a different sixteenth for each key.
#include "canarytrap/core/value_mark.h"

#include <gtest/gtest.h>

#include <string>

namespace canarytrap {
namespace {

TEST(ValueMarkTest, TheScanHashNeverChanges) {
  // Changing scan_hash() would unmark every canary already planted: the scanner would then
  // pass over them. These are its outputs as of schema 8.
  EXPECT_EQ(scan_hash(ScanKind::kDigits, "13812345678"), 0xc918b861493a8791ULL);
  EXPECT_EQ(scan_hash(ScanKind::kIdNumber, "11010519491231002X"), 0xca4a92d3f5d99fdaULL);
  EXPECT_EQ(scan_hash(ScanKind::kToken, "a8e1aa1e8b035c77fa77ad62"), 0xcc7ce5a780f98ce7ULL);
  EXPECT_EQ(scan_hash(ScanKind::kEmail, "li.wei@mail.example.net"), 0xf5f90e31927e58dfULL);
  EXPECT_EQ(scan_hash(ScanKind::kNameDob, "王静嘉|19741123"), 0xeb2a7aa1547233ffULL);
  // The kind is part of the hash: the same digits as a phone and as an ID are two values.
  EXPECT_NE(scan_hash(ScanKind::kDigits, "123456789012345678"), scan_hash(ScanKind::kIdNumber, "123456789012345678"));
}

TEST(ValueMarkTest, AKeyMarksASixteenthAndEachKeyAnother) {
  const ValueMark a(0x0123456789abcdefULL), b(0xfedcba9876543210ULL);
  int marked_a = 0, marked_b = 0, both = 0;
  constexpr int kValues = 64000;
  for (int i = 0; i < kValues; ++i) {
    const std::string phone = "138" + std::to_string(10000000 + i);
    const bool in_a = a.carries(ScanKind::kDigits, phone), in_b = b.carries(ScanKind::kDigits, phone);
    marked_a += in_a;
    marked_b += in_b;
    both += in_a && in_b;
  }
  // 4,000 expected of each; independent keys share a sixteenth of those (250).
  EXPECT_GT(marked_a, 3700);
  EXPECT_LT(marked_a, 4300);
  EXPECT_GT(marked_b, 3700);
  EXPECT_LT(marked_b, 4300);
  EXPECT_GT(both, 150);
  EXPECT_LT(both, 350);
}

TEST(ValueMarkTest, RegistryKindsAreHashedAsTheScannerReadsThem) {
  EXPECT_EQ(scan_kind_of("phone"), ScanKind::kDigits);
  EXPECT_EQ(scan_kind_of("ssn"), ScanKind::kDigits);
  EXPECT_EQ(scan_kind_of("card"), ScanKind::kDigits);
  EXPECT_EQ(scan_kind_of("id_number"), ScanKind::kIdNumber);
  EXPECT_EQ(scan_kind_of("token"), ScanKind::kToken);
  EXPECT_EQ(scan_kind_of("url"), std::nullopt);
  EXPECT_TRUE(marked_kind(ScanKind::kIdNumber) && marked_kind(ScanKind::kDigits) && marked_kind(ScanKind::kToken));
  EXPECT_FALSE(marked_kind(ScanKind::kEmail) || marked_kind(ScanKind::kNameDob));
}

}  // namespace
}  // namespace canarytrap
