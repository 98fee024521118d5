// The /api/v1 layer without sockets: routing, roles, sessions and CSRF, paging and incident
// states over a real registry; the login limiter; the static file rules.
#include <gtest/gtest.h>

#include "admin/api.h"
#include "admin/static_files.h"
#include "canarytrap/core/clock.h"
#include "canarytrap/core/value_mark.h"
#include "canarytrap/store/mint.h"
#include "support/temp_dir.h"

namespace canarytrap::admin {
namespace {

class AdminApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = Registry::open(dir_ / "r.db", {.create_if_missing = true});
    ASSERT_TRUE(r) << r.status().message();
    admin_key_ = *(*r)->create_api_key("boss", "admin", SystemClock().now());
    viewer_key_ = *(*r)->create_api_key("reader", "viewer", SystemClock().now());
    testing::write_file(dir_ / "openapi.json", "{\"openapi\": \"3.0.3\"}");
    AdminServer::Options o;
    o.registry = dir_ / "r.db";
    o.web_root = dir_.path();
    o.mint = {"canary.example.net", {"mail.example.net"}, "http"};
    AdminServices s;
    s.canaries_changed = [this] { ++changed_; };
    api_ = std::make_unique<Api>(o, s, std::move(*r));
  }

  ApiResponse call(const std::string& method, const std::string& path, const std::string& key = "",
                   const std::string& body = "", std::map<std::string, std::string> headers = {}) {
    ApiRequest req;
    req.method = method;
    const auto q = path.find('?');
    req.path = path.substr(0, q);
    if (q != std::string::npos) req.query = parse_query(path.substr(q + 1));
    req.headers = std::move(headers);
    if (!key.empty()) req.headers["authorization"] = "Bearer " + key;
    req.body = body;
    req.peer = "192.0.2.7";
    return api_->handle(req);
  }
  static nlohmann::json json(const ApiResponse& r) { return nlohmann::json::parse(r.body); }

  testing::TempDir dir_;
  std::unique_ptr<Api> api_;
  std::string admin_key_, viewer_key_;
  int changed_ = 0;
};

TEST_F(AdminApiTest, RoutesNeedTheRightKey) {
  EXPECT_EQ(call("GET", "/api/v1/summary").status, 401);
  EXPECT_EQ(call("GET", "/api/v1/summary", "ctk_nonsense").status, 401);
  EXPECT_EQ(call("GET", "/api/v1/summary", viewer_key_).status, 200);
  EXPECT_EQ(call("GET", "/api/v1/openapi.json").status, 200);
  EXPECT_EQ(call("POST", "/api/v1/canaries", viewer_key_, R"({"kind":"dns"})").status, 403);
  EXPECT_EQ(call("GET", "/api/v1/no-such-thing", admin_key_).status, 404);
  EXPECT_EQ(call("DELETE", "/api/v1/copies", admin_key_).status, 405);
  auto minted = call("POST", "/api/v1/canaries", admin_key_, R"({"kind":"dns","copy":"prod","count":3})");
  ASSERT_EQ(minted.status, 201) << minted.body;
  EXPECT_EQ(json(minted)["items"].size(), 3u);
  EXPECT_EQ(changed_, 1) << "the listeners are told about new canaries";
  {  // their dns labels carry the registry's value mark, as the command line mints them
    auto reg = Registry::open(dir_ / "r.db", {});
    ASSERT_TRUE(reg);
    const ValueMark mark(*(*reg)->value_mark_key());
    int tokens = 0;
    ASSERT_TRUE((*reg)->for_each_needle([&](ScanNeedle&& n) {
                         if (n.kind != "token") return;
                         ++tokens;
                         EXPECT_TRUE(mark.carries(ScanKind::kToken, n.value)) << n.value;
                       }).ok());
    EXPECT_EQ(tokens, 3);
  }
  EXPECT_EQ(call("POST", "/api/v1/canaries", admin_key_, "not json").status, 400);
  EXPECT_EQ(call("POST", "/api/v1/canaries", admin_key_, R"({"kind":"dns","count":0})").status, 400);
  EXPECT_EQ(call("GET", "/api/v1/canaries?limit=0", admin_key_).status, 400);
  EXPECT_EQ(call("GET", "/api/v1/canaries/abc", admin_key_).status, 400);
  EXPECT_EQ(call("GET", "/api/v1/canaries/999", admin_key_).status, 404);
}

TEST_F(AdminApiTest, SessionsNeedTheCsrfTokenToMutateAndEndWithTheirKey) {
  auto login = call("POST", "/api/v1/session", "", "{\"key\":\"" + admin_key_ + "\"}");
  ASSERT_EQ(login.status, 200) << login.body;
  std::string cookie;
  for (const auto& [name, value] : login.headers) {
    if (name == "Set-Cookie") cookie = value.substr(0, value.find(';'));
  }
  ASSERT_EQ(cookie.rfind("ct_session=", 0), 0u);
  const std::string csrf = json(login)["csrf_token"];
  EXPECT_EQ(call("GET", "/api/v1/me", "", "", {{"cookie", cookie}}).status, 200);
  EXPECT_EQ(call("POST", "/api/v1/canaries", "", R"({"kind":"dns"})", {{"cookie", cookie}}).status, 403);
  EXPECT_EQ(call("POST", "/api/v1/canaries", "", R"({"kind":"dns"})", {{"cookie", cookie}, {"x-csrf-token", csrf + "0"}}).status,
            403);
  EXPECT_EQ(call("POST", "/api/v1/canaries", "", R"({"kind":"dns"})", {{"cookie", cookie}, {"x-csrf-token", csrf}}).status,
            201);
  // Revoking the key ends the session at its next use.
  {
    auto reg = Registry::open(dir_ / "r.db", {});
    ASSERT_TRUE(reg);
    ASSERT_TRUE((*reg)->revoke_api_key("boss", SystemClock().now()).ok());
  }
  EXPECT_EQ(call("GET", "/api/v1/me", "", "", {{"cookie", cookie}}).status, 401);
}

TEST_F(AdminApiTest, HitsPageByCursorNewestFirstAndIncidentsMoveForwardOnly) {
  {
    auto reg = Registry::open(dir_ / "r.db", {});
    ASSERT_TRUE(reg);
    TriggerMinter minter({"canary.example.net", {"mail.example.net"}, "http"});
    auto c = mint_canaries(**reg, minter, {CanaryKind::kDns, std::string("prod"), "", 1}, SystemClock());
    ASSERT_TRUE(c);
    std::vector<NewHit> hits;
    for (int i = 0; i < 7; ++i) {
      NewHit h;
      h.canary_id = c->front().id;
      h.channel = "dns";
      h.at = from_unix_micros(1'795'000'000'000'000 + i * 1'000'000);
      h.source = "192.0.2.1";
      hits.push_back(h);
    }
    ASSERT_TRUE((*reg)->insert_hits(hits).ok());
  }
  std::vector<std::int64_t> ids;
  std::string cursor;
  for (int page = 0; page < 5; ++page) {
    auto r = call("GET", "/api/v1/hits?limit=3" + (cursor.empty() ? "" : "&cursor=" + cursor), viewer_key_);
    ASSERT_EQ(r.status, 200) << r.body;
    const auto page_json = json(r);
    for (const auto& h : page_json["items"]) ids.push_back(h["id"]);
    if (page_json["next_cursor"].is_null()) break;
    cursor = page_json["next_cursor"];
  }
  EXPECT_EQ(ids, (std::vector<std::int64_t>{7, 6, 5, 4, 3, 2, 1}));
  EXPECT_EQ(call("GET", "/api/v1/hits?cursor=garbage", viewer_key_).status, 400);
  EXPECT_EQ(json(call("GET", "/api/v1/hits?channel=http", viewer_key_))["items"].size(), 0u);

  auto incident = call("GET", "/api/v1/incidents/1", viewer_key_);
  ASSERT_EQ(incident.status, 200);
  EXPECT_EQ(json(incident)["evidence"].size(), 7u);
  EXPECT_EQ(call("POST", "/api/v1/incidents/1/acknowledge", admin_key_).status, 200);
  EXPECT_EQ(json(call("GET", "/api/v1/incidents?state=acknowledged", viewer_key_))["items"].size(), 1u);
  EXPECT_EQ(call("POST", "/api/v1/incidents/1/close", admin_key_).status, 200);
  EXPECT_EQ(call("POST", "/api/v1/incidents/1/acknowledge", admin_key_).status, 409);
  EXPECT_EQ(call("POST", "/api/v1/incidents/2/close", admin_key_).status, 404);
}

TEST(LoginLimiterTest, FiveFailuresLockAnAddressForTheWindow) {
  LoginLimiter limiter;
  const TimePoint t0 = from_unix_micros(1'795'000'000'000'000);
  for (int i = 0; i < LoginLimiter::kMaxFailures; ++i) {
    EXPECT_EQ(limiter.wait_seconds("192.0.2.1", t0), 0);
    limiter.failed("192.0.2.1", t0);
  }
  EXPECT_EQ(limiter.wait_seconds("192.0.2.1", t0), 300);
  EXPECT_EQ(limiter.wait_seconds("192.0.2.2", t0), 0) << "other addresses are not locked";
  EXPECT_EQ(limiter.wait_seconds("192.0.2.1", t0 + std::chrono::seconds(299)), 1);
  EXPECT_EQ(limiter.wait_seconds("192.0.2.1", t0 + std::chrono::seconds(300)), 0);
}

TEST(StaticFilesTest, ServesKnownTypesInsideTheRootOnly) {
  testing::TempDir dir;
  testing::write_file(dir / "index.html", "<!doctype html>");
  testing::write_file(dir / "app.js", "export {}");
  testing::write_file(dir / "notes.md", "private");
  std::filesystem::create_directories(dir / "tests");
  testing::write_file(dir / "tests" / "x.js", "test");
  testing::write_file(dir.path().parent_path() / "outside.js", "no");
  const auto root = dir.path();
  EXPECT_EQ(static_file(root, "/").status, 200);
  EXPECT_EQ(static_file(root, "/").content_type, "text/html; charset=utf-8");
  EXPECT_EQ(static_file(root, "/app.js").content_type, "text/javascript; charset=utf-8");
  for (const char* bad : {"/notes.md", "/tests/x.js", "/../outside.js", "/./app.js", "/.git/config", "//app.js", "/missing.js"}) {
    EXPECT_EQ(static_file(root, bad).status, 404) << bad;
  }
  std::filesystem::remove(dir.path().parent_path() / "outside.js");
}

TEST(StaticFilesTest, UrlDecoding) {
  EXPECT_EQ(url_decode("/a%2Fb%zz%4", false), "/a/b%zz%4");
  EXPECT_EQ(url_decode("a+b%20c", true), "a b c");
  EXPECT_EQ(url_decode("a+b", false), "a+b");
  const auto q = parse_query("copy=prod%2Ddb&since=24h&flag&name=a+b&copy=x");
  EXPECT_EQ(q.size(), 5u);
  EXPECT_EQ(q.find("copy")->second, "prod-db");
  EXPECT_EQ(q.find("flag")->second, "");
  EXPECT_EQ(q.find("name")->second, "a b");
}

}  // namespace
}  // namespace canarytrap::admin
