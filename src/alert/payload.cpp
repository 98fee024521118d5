#include "canarytrap/alert/payload.h"

#include <nlohmann/json.hpp>

#include <set>

namespace canarytrap {

using Json = nlohmann::ordered_json;

namespace {

std::string hit_detail(const Json& details, const char* key) {
  if (details.is_object() && details.contains(key) && details[key].is_string()) return details[key].get<std::string>();
  return "";
}

Json attribution_of(const AlertContext& ctx) {
  std::size_t exclusive = 0;
  std::set<std::string> others;
  for (const auto& c : ctx.canaries) {
    bool only_this = true;
    for (const auto& copy : c.copies) {
      if (copy != ctx.incident.copy) {
        only_this = false;
        others.insert(copy);
      }
    }
    exclusive += only_this;
  }
  const std::size_t shared = ctx.canaries.size() - exclusive;
  std::string verdict;
  if (exclusive > 0) {
    verdict = "copy '" + ctx.incident.copy + "' leaked: " + std::to_string(exclusive) + " canar" +
              (exclusive == 1 ? "y" : "ies") + " planted only there " + (ctx.hits.size() == 1 ? "was" : "were") +
              " used";
  } else if (shared > 0) {
    verdict = "copy '" + ctx.incident.copy + "' or another copy holding the same canaries leaked (" +
              std::to_string(others.size()) + " other candidate" + (others.size() == 1 ? "" : "s") + ")";
  } else {
    verdict = "copy '" + ctx.incident.copy + "'";
  }
  Json a = {{"copy", ctx.incident.copy},
            {"exclusive_canaries", exclusive},
            {"shared_canaries", shared},
            {"other_candidates", Json(std::vector<std::string>(others.begin(), others.end()))},
            {"verdict", verdict}};
  return a;
}

}  // namespace

std::string render_generic_alert(const AlertRow& alert, const AlertContext& ctx, const std::string& dashboard_url) {
  Json doc;
  doc["schema"] = kAlertSchema;
  doc["id"] = alert.uid;
  doc["event"] = alert.event;
  doc["created_at"] = format_time(alert.created_at);
  const IncidentRow& inc = ctx.incident;
  doc["incident"] = {{"id", inc.id},
                     {"copy", inc.copy},
                     {"state", inc.state},
                     {"confidence", inc.confidence},
                     {"opened_at", format_time(inc.opened_at)},
                     {"last_hit_at", format_time(inc.last_hit_at)},
                     {"hits_total", ctx.incident_hits},
                     {"canaries_total", inc.canaries},
                     {"channels", inc.channels},
                     {"sources", inc.sources}};
  Json canaries = Json::array();
  for (const auto& c : ctx.canaries) {
    Json triggers = Json::array();
    for (const auto& t : c.triggers) triggers.push_back({{"channel", channel_name(t.channel)}, {"value", t.value}});
    Json placements = Json::array();
    for (const auto& p : c.placements) {
      Json pj = {{"copy", p.copy},       {"target", p.target}, {"table", p.table_name},
                 {"row_key", p.row_key}, {"planted_at", format_time(p.planted_at)}};
      if (p.retired_at) pj["retired_at"] = format_time(*p.retired_at);
      placements.push_back(std::move(pj));
    }
    canaries.push_back({{"id", c.id},
                        {"kind", c.kind},
                        {"copies", c.copies},
                        {"exclusive", c.copies.size() == 1 && c.copies[0] == inc.copy},
                        {"triggers", triggers},
                        {"placements", placements}});
  }
  doc["canaries"] = std::move(canaries);
  Json hits = Json::array();
  for (const auto& h : ctx.hits) {
    Json details = Json::parse(h.details_json, nullptr, false);
    if (details.is_discarded()) details = Json::object();
    Json hj = {{"id", h.id},
               {"canary_id", h.canary_id},
               {"channel", h.channel},
               {"at", format_time(h.at)},
               {"source", h.source},
               {"trigger_value", h.trigger_value},
               {"ecs_subnet", hit_detail(details, "ecs")},
               {"user_agent", hit_detail(details, "user_agent")},
               {"automated", h.automated},
               {"automated_reason", h.automated_reason},
               {"details", details}};
    hits.push_back(std::move(hj));
  }
  doc["hit_count"] = ctx.hits.size();
  doc["hits"] = std::move(hits);
  doc["attribution"] = attribution_of(ctx);
  doc["dashboard_url"] = dashboard_url.empty() ? "" : dashboard_url + "/#/incidents/" + std::to_string(inc.id);
  return doc.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string render_test_alert(const std::string& uid, const std::string& destination, TimePoint now) {
  Json doc;
  doc["schema"] = kAlertSchema;
  doc["id"] = uid;
  doc["event"] = "test";
  doc["created_at"] = format_time(now);
  doc["destination"] = destination;
  doc["message"] = "canarytrap test alert: this destination receives and verifies canarytrap alerts";
  return doc.dump();
}

std::string slack_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string markdown_escape(std::string_view text) {
  static constexpr std::string_view kSpecial = "\\*_~`|>#-[]()!@<:.+=";
  std::string out;
  for (char c : text) {
    if (kSpecial.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

namespace {

// Attacker text shown in chat: one line, bounded, inside a code span, where chat services
// render no mentions, links or markup. A backtick would close the span: it becomes U+02CB.
std::string code_span(std::string_view text, std::size_t max = 200) {
  std::string t;
  for (char c : text) {
    if (t.size() >= max) {
      t += "...";
      break;
    }
    if (c == '`') {
      t += "\xCB\x8B";
    } else if (c == '\n' || c == '\r' || c == '\t') {
      t += ' ';
    } else {
      t += c;
    }
  }
  if (t.empty()) t = "-";
  return "`" + t + "`";
}

std::string one_hit_line(const Json& h) {
  std::string line = h.value("at", "") + "  " + h.value("channel", "") + "  from " + h.value("source", "");
  return line;
}

std::string title_of(const Json& doc) {
  const Json& inc = doc["incident"];
  const std::string event = doc.value("event", "");
  std::string what = event == "incident.opened"    ? "Canary incident opened"
                     : event == "incident.digest"  ? "Canary incident: more hits"
                     : event == "incident.updated" ? "Canary incident updated"
                                                   : "canarytrap alert";
  return what + " - copy " + inc.value("copy", "?");
}

std::string truncate_utf8(std::string s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t cut = max - 3;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "...";
}

Json slack_body(const Json& doc) {
  const Json& inc = doc["incident"];
  const Json& att = doc["attribution"];
  Json fields = Json::array();
  const auto field = [&](const std::string& name, const std::string& value) {
    fields.push_back({{"type", "mrkdwn"}, {"text", truncate_utf8("*" + name + "*\n" + value, 2000)}});
  };
  field("Copy", slack_escape(inc.value("copy", "")));
  field("Confidence", inc.value("confidence", ""));
  field("Hits in this alert", std::to_string(doc.value("hit_count", 0)));
  field("Hits in the incident", std::to_string(inc.value("hits_total", 0)));
  std::string hits_text;
  std::size_t shown = 0;
  for (const auto& h : doc["hits"]) {
    if (++shown > 10) {
      hits_text += "... and " + std::to_string(doc["hits"].size() - 10) + " more\n";
      break;
    }
    hits_text += slack_escape(one_hit_line(h));
    if (!h.value("user_agent", "").empty()) hits_text += "  UA " + code_span(slack_escape(h.value("user_agent", "")));
    if (h.value("automated", false)) hits_text += "  (automated: " + slack_escape(h.value("automated_reason", "")) + ")";
    hits_text += "\n";
  }
  Json blocks = Json::array();
  blocks.push_back({{"type", "header"}, {"text", {{"type", "plain_text"}, {"text", truncate_utf8(title_of(doc), 150)}}}});
  blocks.push_back({{"type", "section"},
                    {"text", {{"type", "mrkdwn"}, {"text", truncate_utf8(slack_escape(att.value("verdict", "")), 3000)}}},
                    {"fields", fields}});
  if (!hits_text.empty()) {
    blocks.push_back({{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", truncate_utf8(hits_text, 3000)}}}});
  }
  if (!doc.value("dashboard_url", "").empty()) {
    blocks.push_back({{"type", "actions"},
                      {"elements",
                       {{{"type", "button"},
                         {"text", {{"type", "plain_text"}, {"text", "Open in dashboard"}}},
                         {"url", doc.value("dashboard_url", "")}}}}});
  }
  blocks.push_back(
      {{"type", "context"}, {"elements", {{{"type", "mrkdwn"}, {"text", "alert " + doc.value("id", "")}}}}});
  return {{"text", truncate_utf8(slack_escape(title_of(doc)), 3000)}, {"blocks", blocks}};
}

Json discord_body(const Json& doc) {
  const Json& inc = doc["incident"];
  Json fields = Json::array();
  fields.push_back({{"name", "Copy"}, {"value", truncate_utf8(markdown_escape(inc.value("copy", "")), 1024)}, {"inline", true}});
  fields.push_back({{"name", "Confidence"}, {"value", inc.value("confidence", "-")}, {"inline", true}});
  fields.push_back({{"name", "Hits"},
                    {"value", std::to_string(doc.value("hit_count", 0)) + " (incident: " +
                                  std::to_string(inc.value("hits_total", 0)) + ")"},
                    {"inline", true}});
  std::size_t shown = 0;
  for (const auto& h : doc["hits"]) {
    if (++shown > 10) break;
    std::string value = markdown_escape(h.value("channel", "")) + " from " + code_span(h.value("source", ""));
    if (!h.value("user_agent", "").empty()) value += "\nUA " + code_span(h.value("user_agent", ""));
    if (h.value("automated", false)) value += "\nautomated: " + code_span(h.value("automated_reason", ""));
    fields.push_back({{"name", truncate_utf8(h.value("at", ""), 256)}, {"value", truncate_utf8(value, 1024)}, {"inline", false}});
  }
  Json embed = {{"title", truncate_utf8(title_of(doc), 256)},
                {"description", truncate_utf8(markdown_escape(doc["attribution"].value("verdict", "")), 4096)},
                {"color", inc.value("confidence", "") == "high" ? 0xD93025 : 0xF9AB00},
                {"fields", fields},
                {"footer", {{"text", "alert " + doc.value("id", "")}}},
                {"timestamp", doc.value("created_at", "")}};
  if (!doc.value("dashboard_url", "").empty()) embed["url"] = doc.value("dashboard_url", "");
  return {{"username", "canarytrap"},
          {"content", truncate_utf8(markdown_escape(title_of(doc)), 2000)},
          {"allowed_mentions", {{"parse", Json::array()}}},
          {"embeds", Json::array({embed})}};
}

Json teams_body(const Json& doc) {
  const Json& inc = doc["incident"];
  Json facts = Json::array();
  // FactSet values render markdown: only values canarytrap chose go there, escaped anyway.
  facts.push_back({{"title", "Copy"}, {"value", markdown_escape(inc.value("copy", ""))}});
  facts.push_back({{"title", "Confidence"}, {"value", inc.value("confidence", "")}});
  facts.push_back({{"title", "Hits"}, {"value", std::to_string(doc.value("hit_count", 0)) + " (incident: " +
                                                   std::to_string(inc.value("hits_total", 0)) + ")"}});
  Json body = Json::array();
  body.push_back({{"type", "TextBlock"}, {"text", markdown_escape(title_of(doc))}, {"weight", "Bolder"}, {"size", "Medium"}, {"wrap", true}});
  body.push_back({{"type", "TextBlock"}, {"text", markdown_escape(doc["attribution"].value("verdict", ""))}, {"wrap", true}});
  body.push_back({{"type", "FactSet"}, {"facts", facts}});
  // Hit lines hold attacker text: TextRuns, which Adaptive Cards never parse as markdown.
  Json runs = Json::array();
  std::size_t shown = 0;
  for (const auto& h : doc["hits"]) {
    if (++shown > 10) break;
    std::string line = one_hit_line(h);
    if (!h.value("user_agent", "").empty()) line += "  UA " + truncate_utf8(h.value("user_agent", ""), 200);
    if (h.value("automated", false)) line += "  (automated: " + h.value("automated_reason", "") + ")";
    runs.push_back({{"type", "TextRun"}, {"text", line + "\n"}, {"fontType", "Monospace"}});
  }
  if (!runs.empty()) body.push_back({{"type", "RichTextBlock"}, {"inlines", runs}});
  body.push_back({{"type", "TextBlock"}, {"text", "alert " + doc.value("id", "")}, {"isSubtle", true}, {"size", "Small"}, {"wrap", true}});
  Json card = {{"$schema", "http://adaptivecards.io/schemas/adaptive-card.json"},
               {"type", "AdaptiveCard"},
               {"version", "1.4"},
               {"body", body}};
  if (!doc.value("dashboard_url", "").empty()) {
    card["actions"] = Json::array({{{"type", "Action.OpenUrl"}, {"title", "Open in dashboard"}, {"url", doc.value("dashboard_url", "")}}});
  }
  return {{"type", "message"},
          {"attachments",
           Json::array({{{"contentType", "application/vnd.microsoft.card.adaptive"}, {"contentUrl", nullptr}, {"content", card}}})}};
}

}  // namespace

Result<std::string> render_for_kind(std::string_view kind, const std::string& generic_json) {
  if (kind == "generic" || kind == "jsonl") return generic_json;
  Json doc = Json::parse(generic_json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return Status::Corruption("stored alert body is not JSON");
  if (!doc.contains("incident")) doc["incident"] = Json::object();
  if (!doc.contains("attribution")) doc["attribution"] = {{"verdict", doc.value("message", "")}};
  if (!doc.contains("hits")) doc["hits"] = Json::array();
  const auto dump = [](const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); };
  if (kind == "slack") return dump(slack_body(doc));
  if (kind == "discord") return dump(discord_body(doc));
  if (kind == "teams") return dump(teams_body(doc));
  return Status::InvalidArgument("unknown alert kind '" + std::string(kind) + "'");
}

}  // namespace canarytrap
