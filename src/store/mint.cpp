#include "canarytrap/store/mint.h"

namespace canarytrap {

namespace {

std::vector<TriggerValue> draw_triggers(const TriggerMinter& minter, CanaryKind kind) {
  switch (kind) {
    case CanaryKind::kDns: return {minter.dns()};
    case CanaryKind::kHttp: return minter.http();
    case CanaryKind::kSmtp: return {minter.smtp()};
    case CanaryKind::kRecord: {
      std::vector<TriggerValue> t{minter.smtp()};
      for (auto& v : minter.http()) t.push_back(std::move(v));
      return t;
    }
  }
  return {};
}

// Collisions are expected only for smtp addresses (about 30 bits of name-like entropy);
// 64 draws in a row colliding means the name space is exhausted, not bad luck.
constexpr int kMaxDraws = 64;

}  // namespace

Result<std::vector<CanaryRow>> mint_canaries(Registry& reg, const TriggerMinter& minter, const MintRequest& req,
                                             const Clock& clock) {
  if (req.count < 1 || req.count > kMaxMintCount) {
    return Status::InvalidArgument("count must be between 1 and " + std::to_string(kMaxMintCount));
  }
  const TimePoint now = clock.now();
  Registry::Transaction tx(reg);
  CT_RETURN_IF_ERROR(tx.begun());
  std::optional<CopyRow> copy;
  if (req.copy) {
    auto c = reg.ensure_copy(*req.copy, now);
    if (!c) return c.status();
    copy = *c;
  }
  std::vector<CanaryRow> out;
  out.reserve(static_cast<std::size_t>(req.count));
  for (std::int64_t i = 0; i < req.count; ++i) {
    NewCanary nc{req.kind, copy ? std::optional(copy->id) : std::nullopt, "", req.memo, now, {}};
    Result<std::int64_t> id = Status::Internal("not drawn");
    for (int draw = 0; draw < kMaxDraws; ++draw) {
      nc.triggers = draw_triggers(minter, req.kind);
      id = reg.insert_canary(nc);
      if (id || id.status().code() != Status::Code::kAlreadyExists) break;
    }
    if (!id) return id.status();
    CanaryRow row{*id, req.kind, copy ? copy->name : "", "", req.memo, now, {}};
    for (auto& t : nc.triggers) row.triggers.push_back({0, t.channel, std::move(t.value), std::move(t.token)});
    out.push_back(std::move(row));
  }
  CT_RETURN_IF_ERROR(tx.commit());
  return out;
}

}  // namespace canarytrap
