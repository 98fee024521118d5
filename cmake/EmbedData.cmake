# canarytrap_embed_data(OUT_VAR SYMBOL FILE)
#
# Facts (name lists, region codes, ...) live as data files under data/. This turns one
# into a generated .cpp defining `extern const std::string_view SYMBOL` in namespace
# canarytrap::data, so the binary needs no data directory at run time. The file is
# re-embedded whenever it changes.
function(canarytrap_embed_data out_var symbol file)
  set(src "${CMAKE_SOURCE_DIR}/${file}")
  set(gen "${CMAKE_BINARY_DIR}/embedded/${symbol}.cpp")
  add_custom_command(
    OUTPUT "${gen}"
    COMMAND "${CMAKE_COMMAND}" -DSRC=${src} -DOUT=${gen} -DSYMBOL=${symbol}
            -P "${CMAKE_SOURCE_DIR}/cmake/EmbedDataScript.cmake"
    DEPENDS "${src}" "${CMAKE_SOURCE_DIR}/cmake/EmbedDataScript.cmake"
    COMMENT "Embedding ${file}"
    VERBATIM)
  set(${out_var} "${gen}" PARENT_SCOPE)
endfunction()
