#include "static_files.h"

#include <fstream>
#include <sstream>

namespace canarytrap::admin {

std::string url_decode(std::string_view text, bool query) {
  std::string out;
  out.reserve(text.size());
  const auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else if (query && text[i] == '+') {
      out += ' ';
    } else {
      out += text[i];
    }
  }
  return out;
}

std::multimap<std::string, std::string> parse_query(std::string_view query) {
  std::multimap<std::string, std::string> out;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view part = query.substr(0, amp);
    const auto eq = part.find('=');
    out.emplace(url_decode(part.substr(0, eq), true),
                eq == std::string_view::npos ? "" : url_decode(part.substr(eq + 1), true));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return out;
}

ApiResponse static_file(const std::filesystem::path& root, const std::string& path) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},   {".json", "application/json"},
      {".svg", "image/svg+xml"},             {".png", "image/png"},
      {".ico", "image/x-icon"},              {".txt", "text/plain; charset=utf-8"},
  };
  const auto not_found = [] {
    ApiResponse r;
    r.status = 404;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "not found\n";
    return r;
  };
  std::string rel = path == "/" ? "index.html" : path.substr(1);
  if (rel.empty() || rel.find('\0') != std::string::npos || rel.find('\\') != std::string::npos) return not_found();
  // No parent, hidden or empty segments; not the browser tests, their packages, or npm files.
  std::size_t start = 0;
  bool first = true;
  while (start <= rel.size()) {
    auto slash = rel.find('/', start);
    if (slash == std::string::npos) slash = rel.size();
    const std::string seg = rel.substr(start, slash - start);
    if (seg.empty() || seg[0] == '.') return not_found();
    if (first && (seg == "tests" || seg == "node_modules" || seg == "package.json" || seg == "package-lock.json")) {
      return not_found();
    }
    first = false;
    start = slash + 1;
  }
  const std::filesystem::path file = root / rel;
  const char* type = nullptr;
  for (const auto& [ext, t] : kTypes) {
    if (file.extension() == ext) type = t;
  }
  std::error_code ec;
  if (!type || !std::filesystem::is_regular_file(file, ec)) return not_found();
  std::ifstream in(file, std::ios::binary);
  if (!in) return not_found();
  std::ostringstream body;
  body << in.rdbuf();
  ApiResponse r;
  r.content_type = type;
  r.body = body.str();
  r.headers.emplace_back("Cache-Control", "no-cache");
  return r;
}

}  // namespace canarytrap::admin
