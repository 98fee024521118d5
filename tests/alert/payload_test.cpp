// Alert bodies: the generic document's content and the chat formats' shapes and escaping.
#include "canarytrap/alert/payload.h"

#include <gtest/gtest.h>

#include <fstream>

#include "alert/json_shape.h"

namespace canarytrap {
namespace {

using nlohmann::json;

// An incident on copy "vendor-acme" with two hits: one from a person whose user agent tries
// Slack, Discord and Markdown tricks, one from a link previewer. One canary is exclusive to
// the copy, the other shared with "prod".
struct Fixture {
  AlertRow alert;
  AlertContext ctx;
  Fixture() {
    alert.uid = "alrt_0123";
    alert.event = "incident.opened";
    alert.created_at = from_unix_micros(1795000000'000000);
    ctx.incident.id = 7;
    ctx.incident.copy = "vendor-acme";
    ctx.incident.state = "open";
    ctx.incident.confidence = "high";
    ctx.incident.opened_at = ctx.incident.last_hit_at = alert.created_at;
    ctx.incident.channels = {"http"};
    ctx.incident_hits = 2;
    AlertContext::Canary a;
    a.id = 1;
    a.kind = "record";
    a.copies = {"vendor-acme"};
    a.triggers = {{1, Channel::kSmtp, "li.wei@mail.example.net", "li.wei@mail.example.net"}};
    a.placements = {{1, 1, "vendor-acme", "file:export.csv", "", "line 42", alert.created_at, std::nullopt, {}}};
    AlertContext::Canary b = a;
    b.id = 2;
    b.copies = {"prod", "vendor-acme"};
    ctx.canaries = {a, b};
    HitRow h1;
    h1.id = 10;
    h1.canary_id = 1;
    h1.channel = "http";
    h1.at = alert.created_at;
    h1.source = "203.0.113.9:5000";
    h1.details_json = R"({"user_agent":"Evil <!channel> <@U024BE7LH> @everyone [x](https://evil.example) *b* `tick`","ecs":"198.51.100.0/24"})";
    HitRow h2 = h1;
    h2.id = 11;
    h2.canary_id = 2;
    h2.details_json = R"({"user_agent":"Slackbot-LinkExpanding 1.0"})";
    h2.automated = true;
    h2.automated_reason = "link previewer";
    ctx.hits = {h1, h2};
  }
};

json shape(const std::string& name) {
  std::ifstream in(std::string(CANARYTRAP_TEST_DIR) + "/alert/shapes/" + name);
  return json::parse(in);
}

TEST(PayloadTest, GenericDocumentCarriesTheAttribution) {
  Fixture f;
  json doc = json::parse(render_generic_alert(f.alert, f.ctx, "https://ct.example.net:8081"));
  EXPECT_EQ(doc["schema"], "canarytrap.alert.v1");
  EXPECT_EQ(doc["id"], "alrt_0123");
  EXPECT_EQ(doc["event"], "incident.opened");
  EXPECT_EQ(doc["incident"]["copy"], "vendor-acme");
  EXPECT_EQ(doc["hit_count"], 2);
  EXPECT_EQ(doc["hits"][0]["ecs_subnet"], "198.51.100.0/24");
  EXPECT_EQ(doc["hits"][1]["automated_reason"], "link previewer");
  EXPECT_EQ(doc["canaries"][0]["placements"][0]["row_key"], "line 42");
  EXPECT_TRUE(doc["canaries"][0]["exclusive"].get<bool>());
  EXPECT_FALSE(doc["canaries"][1]["exclusive"].get<bool>());
  EXPECT_EQ(doc["attribution"]["exclusive_canaries"], 1);
  EXPECT_EQ(doc["attribution"]["other_candidates"], json::array({"prod"}));
  EXPECT_EQ(doc["dashboard_url"], "https://ct.example.net:8081/#/incidents/7");
}

TEST(PayloadTest, ChatFormatsFitTheServicesDocumentedShapes) {
  Fixture f;
  const std::string generic = render_generic_alert(f.alert, f.ctx, "https://ct.example.net:8081");
  for (const auto& [kind, file] : {std::pair{"slack", "slack_incoming_webhook.json"},
                                   std::pair{"discord", "discord_webhook.json"}, std::pair{"teams", "teams_workflow.json"}}) {
    auto body = render_for_kind(kind, generic);
    ASSERT_TRUE(body.ok()) << body.status().message();
    EXPECT_EQ(testing::shape_problem(json::parse(*body), shape(file)), "") << kind << ": " << *body;
  }
  // Many long hits still fit every limit.
  for (int i = 0; i < 60; ++i) {
    HitRow h = f.ctx.hits[0];
    h.details_json = json({{"user_agent", std::string(5000, 'A') + "\xE4\xB8\xAD"}}).dump();
    f.ctx.hits.push_back(h);
  }
  const std::string big = render_generic_alert(f.alert, f.ctx, "");
  for (const auto& [kind, file] : {std::pair{"slack", "slack_incoming_webhook.json"},
                                   std::pair{"discord", "discord_webhook.json"}, std::pair{"teams", "teams_workflow.json"}}) {
    auto body = render_for_kind(kind, big);
    ASSERT_TRUE(body.ok());
    EXPECT_EQ(testing::shape_problem(json::parse(*body), shape(file)), "") << kind;
  }
}

TEST(PayloadTest, TheShapeCheckRefusesWhatTheServicesRefuse) {
  const json slack = shape("slack_incoming_webhook.json");
  json good = {{"text", "t"}, {"blocks", {{{"type", "header"}, {"text", {{"type", "plain_text"}, {"text", "x"}}}}}}};
  EXPECT_EQ(testing::shape_problem(good, slack), "");
  json long_header = good;
  long_header["blocks"][0]["text"]["text"] = std::string(151, 'x');
  EXPECT_NE(testing::shape_problem(long_header, slack), "");
  json markdown_header = good;
  markdown_header["blocks"][0]["text"]["type"] = "mrkdwn";
  EXPECT_NE(testing::shape_problem(markdown_header, slack), "");
  json extra = good;
  extra["link_names"] = 1;
  EXPECT_NE(testing::shape_problem(extra, slack), "");
  json pinging = {{"content", "x"}, {"allowed_mentions", {{"parse", {"everyone"}}}}};
  EXPECT_NE(testing::shape_problem(pinging, shape("discord_webhook.json")), "");
}

TEST(PayloadTest, AttackerTextCannotMentionLinkOrFormat) {
  Fixture f;
  const std::string generic = render_generic_alert(f.alert, f.ctx, "");
  const std::string slack = *render_for_kind("slack", generic);
  // Slack: no raw < or > from the user agent (mentions and links need them), and the text
  // sits in a code span, whose backticks it cannot close.
  EXPECT_EQ(slack.find("<!channel>"), std::string::npos);
  EXPECT_EQ(slack.find("<@U024BE7LH>"), std::string::npos);
  EXPECT_NE(slack.find("`Evil &lt;!channel&gt; &lt;@U024BE7LH&gt; @everyone [x](https://evil.example) *b* \xCB\x8Btick\xCB\x8B`"),
            std::string::npos)
      << slack;
  // Discord: mentions are switched off for the whole message, and the text is a code span.
  json discord = json::parse(*render_for_kind("discord", generic));
  EXPECT_EQ(discord["allowed_mentions"]["parse"], json::array());
  EXPECT_NE(discord.dump().find("`Evil <!channel>"), std::string::npos);
  EXPECT_EQ(discord.dump().find("`tick`"), std::string::npos);
  // Teams: attacker text only in TextRuns, which are never parsed as markdown.
  json teams = json::parse(*render_for_kind("teams", generic));
  for (const auto& block : teams["attachments"][0]["content"]["body"]) {
    if (block["type"] == "TextBlock") {
      EXPECT_EQ(block["text"].get<std::string>().find("Evil"), std::string::npos);
    }
    if (block["type"] == "FactSet") {
      EXPECT_EQ(block.dump().find("Evil"), std::string::npos);
    }
  }
  EXPECT_NE(teams.dump().find("TextRun"), std::string::npos);
}

TEST(PayloadTest, EscapersEscapeWhatTheyPromise) {
  EXPECT_EQ(slack_escape("a & <b> c"), "a &amp; &lt;b&gt; c");
  EXPECT_EQ(markdown_escape("*x* _y_ [l](u) @here"), "\\*x\\* \\_y\\_ \\[l\\]\\(u\\) \\@here");
}

TEST(PayloadTest, TestEventAndUnknownKinds) {
  const std::string t = render_test_alert("alrt_test_1", "soc", from_unix_micros(0));
  EXPECT_EQ(json::parse(t)["event"], "test");
  auto slack = render_for_kind("slack", t);
  ASSERT_TRUE(slack.ok());
  EXPECT_EQ(testing::shape_problem(json::parse(*slack), shape("slack_incoming_webhook.json")), "");
  EXPECT_FALSE(render_for_kind("pager", t).ok());
  EXPECT_FALSE(render_for_kind("slack", "not json").ok());
}

}  // namespace
}  // namespace canarytrap
