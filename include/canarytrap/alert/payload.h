// Alert bodies. Every alert is first rendered as the generic JSON document (schema
// "canarytrap.alert.v1", docs/webhooks.md): that text is stored in the outbox at the first
// attempt, so every retry sends the same bytes. The chat formats are derived from it.
//
//   std::string generic = render_generic_alert(alert, context, "https://ct.example.net:8081");
//   Result<std::string> body = render_for_kind("slack", generic);
//
// Attacker-controlled text (user agents, subjects, paths, headers) is escaped for each
// format so that it cannot mention people, make links or add markup.
#pragma once

#include <string>
#include <string_view>

#include "canarytrap/core/status.h"
#include "canarytrap/store/registry.h"

namespace canarytrap {

inline constexpr std::string_view kAlertSchema = "canarytrap.alert.v1";

std::string render_generic_alert(const AlertRow& alert, const AlertContext& context, const std::string& dashboard_url);

// A signed test event for `canarytrap alerts test`: the same schema, event "test".
std::string render_test_alert(const std::string& uid, const std::string& destination, TimePoint now);

// The body for a destination kind (generic, jsonl: the generic JSON itself, on one line;
// slack: Block Kit; discord: an embed; teams: an Adaptive Card for Workflows).
Result<std::string> render_for_kind(std::string_view kind, const std::string& generic_json);

// Escaping, exposed for tests.
std::string slack_escape(std::string_view text);     // & < > as entities; no mentions, links
std::string markdown_escape(std::string_view text);  // Discord and Teams markdown, backslash-escaped

}  // namespace canarytrap
