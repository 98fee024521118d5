// Text encodings: which inputs are read as UTF-16, and the transcoding to UTF-8 fed in pieces
// of every size.
#include "scan/decoders.h"

#include <gtest/gtest.h>

#include <string>

namespace canarytrap::scan_input {
namespace {

using namespace std::string_literals;

// `units` as UTF-16 bytes in the given order.
std::string utf16(const std::u16string& units, bool big_endian) {
  std::string out;
  for (char16_t u : units) {
    const char hi = static_cast<char>(u >> 8), lo = static_cast<char>(u & 0xFF);
    out += big_endian ? std::string{hi, lo} : std::string{lo, hi};
  }
  return out;
}

std::string transcode(const std::string& encoding, const std::string& bytes, std::size_t piece) {
  auto d = transcoder_for(encoding);
  std::string out;
  for (std::size_t at = 0; at < bytes.size(); at += piece) {
    std::string_view part = std::string_view(bytes).substr(at, piece);
    EXPECT_EQ(d->decode(part, out, 16), "");
    EXPECT_TRUE(part.empty());  // a transcoder reads all it is given
  }
  EXPECT_EQ(d->finish(), "");
  return out;
}

TEST(TextEncodingTest, ByteOrderMarksAndTheShapeOfUtf16Text) {
  // "一" is U+4E00: a NUL beside an ASCII letter the other way round.
  const std::u16string row = u"王静嘉,一,138-1234-5678,wang@mail.example.net\r\n";
  std::u16string rows;
  for (int i = 0; i < 20; ++i) rows += row;
  EXPECT_EQ(text_encoding_of("\xFF\xFE"s + utf16(u"x", false)), "utf-16le");
  EXPECT_EQ(text_encoding_of("\xFE\xFF"s + utf16(u"x", true)), "utf-16be");
  EXPECT_EQ(text_encoding_of(utf16(rows, false)), "utf-16le");
  EXPECT_EQ(text_encoding_of(utf16(rows, true)), "utf-16be");
  // Not UTF-16: UTF-8 text (with its own byte order mark), too little to tell, binary data
  // with NULs side by side, NULs in no steady place.
  EXPECT_EQ(text_encoding_of("\xEF\xBB\xBF王静嘉,138-1234-5678\n"s), "");
  EXPECT_EQ(text_encoding_of(utf16(u"ab", false)), "");
  EXPECT_EQ(text_encoding_of(utf16(rows, false) + std::string(2, '\0')), "");
  std::string mixed;
  for (int i = 0; i < 200; ++i) mixed += i % 2 ? "a\0"s : "\0a"s;
  EXPECT_EQ(text_encoding_of(mixed), "");
  EXPECT_EQ(text_encoding_of(""), "");
}

// "王静嘉,1974-11-23,一省\n" in GBK, and "𠀀" (U+20000) in GB 18030's four bytes.
const std::string kGbkRow = "\xCD\xF5\xBE\xB2\xBC\xCE,1974-11-23,\xD2\xBB\xCA\xA1\n";
const std::string kGbFourBytes = "\x95\x32\x82\x36";

TEST(TextEncodingTest, ChineseTextInGbk) {
  std::string rows;
  for (int i = 0; i < 500; ++i) rows += kGbkRow;  // cut by the 4 KB head inside a character
  EXPECT_EQ(text_encoding_of(rows), "gb18030");
  EXPECT_EQ(text_encoding_of("id,name\n" + kGbkRow), "gb18030");
  // Not GBK: the same text in UTF-8, Latin-1 text (an accented letter before an ASCII one),
  // binary data, a byte no GB 18030 character starts with.
  EXPECT_EQ(text_encoding_of("王静嘉,1974-11-23,一省\n"), "");
  EXPECT_EQ(text_encoding_of("Andr\xE9\x61 Jos\xE9,Ren\xE9\x65 M\xFCller,Fran\xE7ois\n"), "");
  EXPECT_EQ(text_encoding_of(kGbkRow + std::string("\0\x01\x02", 3)), "");
  EXPECT_EQ(text_encoding_of(kGbkRow + kGbkRow + "\x80\x41"), "");
  // "一省" alone happens to be valid UTF-8 as well (D2 BB CA A1): UTF-8 wins.
  EXPECT_EQ(text_encoding_of("\xD2\xBB\xCA\xA1,\xD2\xBB\xCA\xA1,\xD2\xBB\xCA\xA1\n"), "");
}

TEST(TextEncodingTest, GbkBecomesUtf8InPiecesOfAnySize) {
  const std::string bytes = kGbkRow + kGbFourBytes + "x\n";
  const std::string want = "王静嘉,1974-11-23,一省\n\xF0\xA0\x80\x80x\n";
  for (std::size_t piece = 1; piece <= bytes.size(); ++piece) {
    EXPECT_EQ(transcode("gb18030", bytes, piece), want) << piece;
  }
  // A byte no character starts with is U+FFFD; half a character at the end is dropped.
  EXPECT_EQ(transcode("gb18030", "a\xFF" "b\xCD", 2), "a\xEF\xBF\xBD" "b");
}

TEST(TextEncodingTest, Utf16BecomesUtf8InPiecesOfAnySize) {
  // BMP text, a character outside it (a surrogate pair), and a byte order mark to drop.
  const std::u16string text = u"\uFEFF王静嘉 𠀀 x\n";
  const std::string want = "王静嘉 \xF0\xA0\x80\x80 x\n";
  for (bool big_endian : {false, true}) {
    const std::string bytes = utf16(text, big_endian);
    for (std::size_t piece = 1; piece <= bytes.size(); ++piece) {
      EXPECT_EQ(transcode(big_endian ? "utf-16be" : "utf-16le", bytes, piece), want) << piece;
    }
  }
  // A lone surrogate is U+FFFD; a byte order mark inside the text is text; half a unit at the
  // end is dropped.
  std::u16string lone = u"a";
  lone += char16_t(0xD800);
  lone += u"b";
  lone += char16_t(0xDC00);
  lone += u"\uFEFF";
  EXPECT_EQ(transcode("utf-16le", utf16(lone, false) + "c", 3), "a\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBB\xBF");
  EXPECT_EQ(transcoder_for(""), nullptr);
}

}  // namespace
}  // namespace canarytrap::scan_input
