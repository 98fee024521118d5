# Run by canarytrap_embed_data: SRC (data file), OUT (generated .cpp), SYMBOL.
# The data is written as a hex byte array so that any byte, quote or delimiter is safe.
file(READ "${SRC}" hex HEX)
string(LENGTH "${hex}" hex_len)
math(EXPR size "${hex_len} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
file(WRITE "${OUT}.tmp"
  "// Generated from ${SRC}; do not edit.\n"
  "#include <string_view>\n"
  "namespace canarytrap::data {\n"
  "static const char k${SYMBOL}_bytes[] = {${bytes} '\\0'};\n"
  "extern const std::string_view ${SYMBOL};\n"
  "const std::string_view ${SYMBOL}(k${SYMBOL}_bytes, ${size});\n"
  "}  // namespace canarytrap::data\n")
file(RENAME "${OUT}.tmp" "${OUT}")
