// The routes that change things (admin keys only): mint, incident states, alert retries and
// tests, scans.
#include <filesystem>

#include "api_handlers.h"
#include "canarytrap/core/clock.h"
#include "canarytrap/store/mint.h"
#include "canarytrap/store/row_json.h"

namespace canarytrap::admin {

namespace {
// Minting from a browser form: large batches belong to `canarytrap mint` or `plant`.
constexpr std::int64_t kMaxApiMint = 1000;
}  // namespace

ApiResponse Api::Handlers::mint(const ApiRequest& req) {
  nlohmann::json body;
  if (auto bad = parse_json_body(req, body)) return *bad;
  if (!body.contains("kind") || !body["kind"].is_string()) {
    return ApiResponse::error(400, "invalid_argument", "kind is required: dns, http, smtp or record");
  }
  auto kind = parse_canary_kind(body["kind"].get<std::string>());
  if (!kind) return ApiResponse::from(kind.status());
  MintRequest mr;
  mr.kind = *kind;
  for (const char* text_field : {"copy", "memo"}) {
    if (body.contains(text_field) && !body[text_field].is_null() && !body[text_field].is_string()) {
      return ApiResponse::error(400, "invalid_argument", std::string(text_field) + " must be a string");
    }
  }
  if (body.contains("copy") && body["copy"].is_string() && !body["copy"].get<std::string>().empty()) {
    mr.copy = body["copy"].get<std::string>();
  }
  if (body.contains("memo") && body["memo"].is_string()) mr.memo = body["memo"].get<std::string>();
  if (mr.memo.size() > 1000) return ApiResponse::error(400, "invalid_argument", "memo is longer than 1000 bytes");
  if (body.contains("count")) {
    if (!body["count"].is_number_integer() || body["count"].get<std::int64_t>() < 1 ||
        body["count"].get<std::int64_t>() > kMaxApiMint) {
      return ApiResponse::error(400, "invalid_argument",
                                "count must be a whole number from 1 to " + std::to_string(kMaxApiMint));
    }
    mr.count = body["count"].get<std::int64_t>();
  }
  auto minted = mint_canaries(*registry, minter, mr, SystemClock());
  if (!minted) return ApiResponse::from(minted.status());
  if (services.canaries_changed) services.canaries_changed();
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : *minted) out.push_back(canary_json(c));
  return ApiResponse::json(201, {{"items", std::move(out)}, {"next_cursor", nullptr}});
}

ApiResponse Api::Handlers::set_incident_state(const Params& p, const std::string& state) {
  std::int64_t id = 0;
  if (auto bad = parse_id(p.at("id"), "incident id", id)) return *bad;
  if (Status s = registry->set_incident_state(id, state); !s.ok()) {
    if (s.code() == Status::Code::kInvalidArgument) return ApiResponse::error(409, "conflict", s.message());
    return ApiResponse::from(s);
  }
  return incident(p);
}

ApiResponse Api::Handlers::retry_alert(const Params& p) {
  auto n = registry->retry_alerts(p.at("id"), SystemClock().now());
  if (!n) return ApiResponse::from(n.status());
  if (*n == 0) return ApiResponse::error(404, "not_found", "no failed alert " + p.at("id"));
  return ApiResponse::json(200, {{"queued", *n}});
}

ApiResponse Api::Handlers::test_destination(const Params& p) {
  if (!services.test_alert) return ApiResponse::error(501, "unsupported", "this server cannot send test alerts");
  auto result = services.test_alert(p.at("name"));
  if (!result) return ApiResponse::from(result.status());
  return ApiResponse::json(200, *result);
}

ApiResponse Api::Handlers::scan(const ApiRequest& req) {
  if (!services.scan) return ApiResponse::error(501, "unsupported", "this server cannot scan");
  std::filesystem::path file;
  std::string shown;
  bool record = false;
  if (req.header("content-type").rfind("application/json", 0) == 0) {
    // A file already on this server (too big to upload, or fetched there by other means).
    nlohmann::json body;
    if (auto bad = parse_json_body(req, body)) return *bad;
    if (!body.contains("path") || !body["path"].is_string() || body["path"].get<std::string>().empty()) {
      return ApiResponse::error(400, "invalid_argument", "the body must be {\"path\": \"/server/path\", \"record\": false}");
    }
    file = body["path"].get<std::string>();
    shown = file.string();
    if (body.contains("record") && !body["record"].is_boolean()) {
      return ApiResponse::error(400, "invalid_argument", "record must be true or false");
    }
    record = body.value("record", false);
    std::error_code ec;
    if (!file.is_absolute()) return ApiResponse::error(400, "invalid_argument", "path must be absolute");
    if (!std::filesystem::is_regular_file(file, ec)) {
      return ApiResponse::error(404, "not_found", "no regular file at " + file.string());
    }
  } else {
    if (req.body_file.empty()) return ApiResponse::error(400, "invalid_argument", "no file was uploaded");
    file = req.body_file;
    shown = req.param("name").value_or("upload");
    if (shown.empty() || shown.size() > 255) shown = "upload";
    const auto r = req.param("record");
    if (r && *r != "true" && *r != "false") {
      return ApiResponse::error(400, "invalid_argument", "record must be true or false");
    }
    record = r && *r == "true";
  }
  auto report = services.scan(file, shown, record);
  if (!report) return ApiResponse::from(report.status());
  return ApiResponse::json(200, *report);
}

}  // namespace canarytrap::admin
