// The dashboard's files, read from the web root for each request (no caching in the server:
// the browser revalidates, and an upgrade needs no restart). Only known file types are
// served, and nothing outside the root, hidden, or belonging to the browser tests.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "api.h"

namespace canarytrap::admin {

ApiResponse static_file(const std::filesystem::path& root, const std::string& path);

// Percent-decodes a URL path or query component ('+' is a space only in queries).
std::string url_decode(std::string_view text, bool query);

// "a=1&b=x%20y&c" -> {a: 1, b: "x y", c: ""}, names and values decoded.
std::multimap<std::string, std::string> parse_query(std::string_view query);

}  // namespace canarytrap::admin
