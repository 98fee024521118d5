// Decoders for the scanner's inputs: compressed data (gzip, zstd, xz: recognised by their
// magic bytes) and text in UTF-16 or GB 18030 (recognised by its first bytes), both
// turned into the bytes the matcher reads. Streaming, and bounded both ways: input in pieces
// of any size, output in pieces of a size the caller sets (a few kilobytes of zstd can stand
// for gigabytes).
//
//   auto d = decoder_for(compression_of(head, n));     // nullptr: bytes as they are
//   do {
//     std::string err = d->decode(piece, out, 4 << 20);  // reads from piece's front
//     ... use and clear out; stop on err ...
//   } while (!piece.empty() || d->more());
//   err = d->finish();                                  // at the end of the input
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace canarytrap::scan_input {

class Decoder {
 public:
  virtual ~Decoder() = default;
  // Decodes from the front of `in`, appending to `out`, and removes what it read from `in`.
  // Stops when `in` is read and nothing more is waiting, or once it has appended `limit`
  // bytes: call again, with what is left of `in` (perhaps nothing), while `in` is not empty
  // or more() is true. Returns "" or an error.
  virtual std::string decode(std::string_view& in, std::string& out, std::size_t limit) = 0;
  // Whether decoded bytes may be waiting that need no more input (when the output filled up
  // just as the input ran out, perhaps not: the next call then adds nothing).
  virtual bool more() const { return false; }
  // At the end of input: "" if the stream ended cleanly.
  virtual std::string finish() = 0;
};

// "gzip", "zstd" or "xz" from a file's first bytes (6 are enough), or "".
std::string compression_of(const unsigned char* p, std::size_t n);
// A decompressor for compression_of's answer; nullptr for "".
std::unique_ptr<Decoder> decoder_for(const std::string& compression);

// How many of a text's first bytes text_encoding_of looks at.
constexpr std::size_t kSniffBytes = 4096;
// How the decoded input's text is encoded, from `head` (its first kSniffBytes, or all of it):
//  - "utf-16le" or "utf-16be": it starts with that byte order mark, or has none but reads as
//    UTF-16 text: for at least a third of it, every second byte a NUL beside an ASCII
//    character, nearly never the other way round, and no two NULs side by side (binary data
//    has them);
//  - "gb18030": it is not UTF-8 but reads as Chinese text in GB 18030, GBK or GB 2312 (what
//    Excel and most Windows software in China write): text bytes, every byte >= 0x80 starting
//    a character, four fifths of them hanzi or symbols of GB 2312;
//  - "" otherwise: the bytes are scanned as they are (UTF-8, ASCII, binary).
std::string text_encoding_of(std::string_view head);
// A transcoder to UTF-8 for text_encoding_of's answer (a UTF-16 byte order mark dropped, what
// starts no character becoming U+FFFD, half a character at the very end dropped); nullptr
// for "", and for "gb18030" where the system's iconv cannot decode it.
std::unique_ptr<Decoder> transcoder_for(const std::string& encoding);

}  // namespace canarytrap::scan_input
