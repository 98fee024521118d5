// Minting canaries: draw fresh trigger values and register them, all or nothing.
//
// `count` canaries of one kind are written in one transaction; a value that collides with
// one already registered is drawn again (bounded retries), so every value is unique in the
// registry. A `record` canary here carries its triggers (an e-mail address and a photo URL
// whose host is a dns trigger); its fake person comes from the fake module when planted.
//
//   MintRequest req{.kind = CanaryKind::kDns, .copy = "prod-db", .count = 10};
//   Result<std::vector<CanaryRow>> minted = mint_canaries(reg, minter, req, system_clock());
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "canarytrap/core/clock.h"
#include "canarytrap/core/trigger_values.h"
#include "canarytrap/store/registry.h"

namespace canarytrap {

inline constexpr std::int64_t kMaxMintCount = 1'000'000;

struct MintRequest {
  CanaryKind kind = CanaryKind::kDns;
  std::optional<std::string> copy;  // created if it does not exist yet
  std::string memo;
  std::int64_t count = 1;
};

Result<std::vector<CanaryRow>> mint_canaries(Registry& reg, const TriggerMinter& minter, const MintRequest& req,
                                             const Clock& clock);

}  // namespace canarytrap
