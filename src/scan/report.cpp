#include "canarytrap/scan/report.h"

#include <cmath>
#include <sstream>

namespace canarytrap {

using nlohmann::json;

namespace {

std::string bytes_text(std::uint64_t b) {
  char buf[32];
  if (b >= (1ULL << 30)) {
    std::snprintf(buf, sizeof buf, "%.2f GB", static_cast<double>(b) / 1e9);
  } else if (b >= (1ULL << 20)) {
    std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(b) / 1e6);
  } else {
    std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(b));
  }
  return buf;
}

std::string pct(double p) {
  char buf[32];
  if (p > 0 && p < 0.0001) {
    std::snprintf(buf, sizeof buf, "%.1e", p);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f%%", p * 100);
  }
  return buf;
}

std::string html_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

json evidence_json(const CopyEvidence& c) {
  json planted = json::array();
  for (const auto& [at, n] : c.planted) {
    std::int64_t found = 0;
    for (const auto& [fat, fn] : c.found_at) {
      if (fat == at) found = fn;
    }
    planted.push_back({{"planted_at", format_time(at)}, {"canaries", n}, {"found", found}});
  }
  return {{"copy", c.copy},
          {"derived_from", c.parent ? json(*c.parent) : json(nullptr)},
          {"expected", c.expected},
          {"found", c.found},
          {"own_found", c.own_found},
          {"exclusive_found", c.exclusive_found},
          {"explains_all", c.explains_all},
          {"timeline", planted}};
}

}  // namespace

json scan_json(const std::vector<ScannedFile>& files, const ScanMeta& meta) {
  json out = {{"schema", "canarytrap.scan.v1"},
              {"scanned_at", format_time(meta.at)},
              {"needles", meta.needles},
              {"load_seconds", meta.load_seconds},
              {"threads", meta.threads}};
  json list = json::array();
  for (const auto& f : files) {
    const Attribution& a = f.attribution;
    json matches = json::array();
    for (const auto& m : f.scan.matches) {
      matches.push_back({{"canary_id", m.canary_id}, {"kind", needle_kind_name(m.kind)}, {"offset", m.offset}, {"line", m.line}});
    }
    json none = json::array();
    for (const auto& n : a.none_found) {
      none.push_back({{"copy", n.copy},
                      {"canaries", n.canaries},
                      {"rows", n.rows ? json(*n.rows) : json(nullptr)},
                      {"sample_fraction", n.fraction},
                      {"probability_of_none", n.probability}});
    }
    json copies = json::array();
    for (const auto& c : a.copies) copies.push_back(evidence_json(c));
    json window = nullptr;
    if (a.after) {
      window = {{"after", format_time(*a.after)},
                {"before", a.before ? json(format_time(*a.before)) : json(nullptr)},
                {"absent_later", a.absent_later},
                {"sample_fraction", a.sample_fraction},
                {"absence_by_chance", a.before ? json(a.absence_by_chance) : json(nullptr)}};
    }
    list.push_back({{"path", f.scan.path},
                    {"compression", f.scan.compression},
                    {"encoding", f.scan.encoding},
                    {"bytes", f.scan.bytes},
                    {"lines", f.scan.lines},
                    {"sha256", f.scan.sha256},
                    {"seconds", f.seconds},
                    {"error", f.scan.error.empty() ? json(nullptr) : json(f.scan.error)},
                    {"canaries_found", a.canaries_found},
                    {"matches", matches},
                    {"verdict", a.verdict},
                    {"copy", a.copy ? json(*a.copy) : json(nullptr)},
                    {"candidates", a.candidates},
                    {"copies", copies},
                    {"unknown_canaries", a.unknown},
                    {"weak_matches", f.weak},
                    {"window", window},
                    {"none_found", none}});
  }
  out["files"] = std::move(list);
  return out;
}

std::string scan_text(const ScannedFile& f) {
  std::ostringstream o;
  const Attribution& a = f.attribution;
  if (!f.scan.error.empty() && f.scan.bytes == 0) {
    o << f.scan.path << ": not scanned: " << f.scan.error << "\n";
    return o.str();
  }
  o << f.scan.path << ": " << a.canaries_found << " canar" << (a.canaries_found == 1 ? "y" : "ies") << " found ("
    << f.scan.lines << " lines, " << bytes_text(f.scan.bytes) << (f.scan.compression.empty() ? "" : " " + f.scan.compression + "-compressed")
    << (f.scan.encoding.empty() ? "" : " " + f.scan.encoding + " text") << ", " << std::fixed;
  o.precision(2);
  o << f.seconds << " s)\n";
  if (!f.scan.error.empty()) o << "  ERROR: " << f.scan.error << " (matches before it are kept)\n";
  o << "  " << a.verdict << "\n";
  if (!f.weak.empty()) {
    o << "  " << f.weak.size() << " more canaries matched only by IDs, phones or names with birth dates not in one "
      << "record (real people may share them; not counted above)\n";
  }
  if (a.after) {
    o << "  taken after " << format_time(*a.after).substr(0, 19) << "Z (the newest canary found was planted then)";
    if (a.before) {
      o << "\n  and before " << format_time(*a.before).substr(0, 19) << "Z (" << a.absent_later
        << " canaries planted then, none found; the chance of missing all of them in a sample this size: "
        << pct(a.absence_by_chance) << ")";
    } else {
      o << "; no canary was planted in it later";
    }
    o << "\n  the file holds about " << pct(a.sample_fraction) << " of the copy's rows (canaries found / expected)\n";
  }
  for (const auto& c : a.copies) {
    o << "  copy " << c.copy << (c.parent ? " (derived from " + *c.parent + ")" : "") << ": " << c.found << " of "
      << c.expected << " found, " << c.own_found << " its own, " << c.exclusive_found << " exclusive"
      << (c.explains_all ? ", explains all" : "") << "\n";
  }
  for (const auto& n : a.none_found) {
    o << "  if a sample of " << n.copy << " (" << n.canaries << " canaries, "
      << (n.rows ? std::to_string(*n.rows) + " rows" : std::string("rows unknown")) << ", this file ~" << pct(n.fraction)
      << "): P(no canary) = " << pct(n.probability) << "\n";
  }
  std::size_t shown = 0;
  for (const auto& m : f.scan.matches) {
    if (++shown > 5) {
      o << "  ... " << f.scan.matches.size() - 5 << " more matches (--json lists all)\n";
      break;
    }
    o << "  line " << m.line << " offset " << m.offset << ": canary " << m.canary_id << " (" << needle_kind_name(m.kind) << ")\n";
  }
  return o.str();
}

std::string scan_html(const std::vector<ScannedFile>& files, const ScanMeta& meta) {
  std::ostringstream o;
  o << "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>canarytrap scan report</title>"
       "<meta name=\"viewport\" content=\"width=device-width\"><style>"
       "body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#222;max-width:70em}"
       "h1{font-size:1.4em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ccc}"
       "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}"
       "th{background:#f4f4f4}.verdict{font-weight:600}.err{color:#b00020}.bar{fill:#9ab}.found{fill:#d93025}"
       "svg text{font:11px sans-serif}</style></head><body>";
  o << "<h1>canarytrap scan report</h1><p>Scanned " << html_escape(format_time(meta.at)) << " with "
    << meta.needles << " canary values loaded.</p>";
  for (const auto& f : files) {
    const Attribution& a = f.attribution;
    o << "<h2>" << html_escape(f.scan.path) << "</h2>";
    o << "<p>" << f.scan.lines << " lines, " << html_escape(bytes_text(f.scan.bytes))
      << (f.scan.compression.empty() ? "" : ", " + html_escape(f.scan.compression))
      << (f.scan.encoding.empty() ? "" : ", " + html_escape(f.scan.encoding)) << "; " << a.canaries_found
      << " canaries found.</p>";
    if (!f.scan.sha256.empty()) o << "<p>SHA-256 <code>" << html_escape(f.scan.sha256) << "</code></p>";
    if (!f.scan.error.empty()) o << "<p class=\"err\">Error: " << html_escape(f.scan.error) << "</p>";
    o << "<p class=\"verdict\">" << html_escape(a.verdict) << "</p>";
    if (!f.weak.empty()) {
      o << "<p>" << f.weak.size()
        << " more canaries matched only by IDs, phones or names with birth dates not in one record (real people "
           "may share them; not counted).</p>";
    }
    if (a.after) {
      o << "<p>Taken after <b>" << html_escape(format_time(*a.after)) << "</b>";
      if (a.before) {
        o << " and before <b>" << html_escape(format_time(*a.before)) << "</b> (" << a.absent_later
          << " canaries planted then, none found; probability that this is chance: " << html_escape(pct(a.absence_by_chance))
          << ")";
      }
      o << ". Estimated sample: " << html_escape(pct(a.sample_fraction)) << " of the copy.</p>";
    }
    if (!a.copies.empty()) {
      o << "<table><tr><th>copy</th><th>derived from</th><th>found / expected</th><th>own</th><th>exclusive</th>"
           "<th>explains all</th></tr>";
      for (const auto& c : a.copies) {
        o << "<tr><td>" << html_escape(c.copy) << "</td><td>" << html_escape(c.parent.value_or("")) << "</td><td>"
          << c.found << " / " << c.expected << "</td><td>" << c.own_found << "</td><td>" << c.exclusive_found
          << "</td><td>" << (c.explains_all ? "yes" : "no") << "</td></tr>";
      }
      o << "</table>";
      // Timeline: per copy, one bar per planting time (height: canaries planted), the found
      // share in red.
      for (const auto& c : a.copies) {
        if (c.planted.empty()) continue;
        const double width = 680, height = 90;
        const auto t0 = c.planted.front().first, t1 = c.planted.back().first;
        const double span = std::max(1.0, std::chrono::duration<double>(t1 - t0).count());
        std::int64_t most = 1;
        for (const auto& [at, n] : c.planted) most = std::max(most, n);
        o << "<p>Timeline of copy " << html_escape(c.copy) << ": canaries planted (grey) and found (red)</p>"
          << "<svg width=\"" << width + 40 << "\" height=\"" << height + 30 << "\" role=\"img\">";
        for (const auto& [at, n] : c.planted) {
          const double x = 20 + (c.planted.size() == 1 ? width / 2 : width * std::chrono::duration<double>(at - t0).count() / span);
          const double h = height * static_cast<double>(n) / static_cast<double>(most);
          std::int64_t found = 0;
          for (const auto& [fat, fn] : c.found_at) {
            if (fat == at) found = fn;
          }
          const double fh = height * static_cast<double>(found) / static_cast<double>(most);
          o << "<rect class=\"bar\" x=\"" << x - 4 << "\" y=\"" << height - h << "\" width=\"8\" height=\"" << h << "\">"
            << "<title>" << html_escape(format_time(at)) << ": " << n << " planted, " << found << " found</title></rect>";
          if (found) {
            o << "<rect class=\"found\" x=\"" << x - 4 << "\" y=\"" << height - fh << "\" width=\"8\" height=\"" << fh
              << "\"></rect>";
          }
        }
        o << "<text x=\"20\" y=\"" << height + 20 << "\">" << html_escape(format_time(t0).substr(0, 10)) << "</text>"
          << "<text x=\"" << width - 40 << "\" y=\"" << height + 20 << "\">" << html_escape(format_time(t1).substr(0, 10))
          << "</text></svg>";
      }
    }
    if (!a.none_found.empty()) {
      o << "<table><tr><th>if a sample of copy</th><th>canaries</th><th>rows</th><th>file / copy</th>"
           "<th>P(no canary)</th></tr>";
      for (const auto& n : a.none_found) {
        o << "<tr><td>" << html_escape(n.copy) << "</td><td>" << n.canaries << "</td><td>"
          << (n.rows ? std::to_string(*n.rows) : "?") << "</td><td>" << html_escape(pct(n.fraction)) << "</td><td>"
          << html_escape(pct(n.probability)) << "</td></tr>";
      }
      o << "</table>";
    }
    if (!f.scan.matches.empty()) {
      o << "<table><tr><th>line</th><th>offset</th><th>canary</th><th>matched as</th></tr>";
      for (const auto& m : f.scan.matches) {
        o << "<tr><td>" << m.line << "</td><td>" << m.offset << "</td><td>" << m.canary_id << "</td><td>"
          << needle_kind_name(m.kind) << "</td></tr>";
      }
      o << "</table>";
    }
  }
  o << "</body></html>\n";
  return o.str();
}

}  // namespace canarytrap
