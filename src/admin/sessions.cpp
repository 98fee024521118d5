#include "sessions.h"

#include <algorithm>

#include "canarytrap/core/secure_random.h"

namespace canarytrap::admin {

Principal SessionStore::create(Principal who, TimePoint now) {
  who.via_session = true;
  who.session_id = secure_random_hex(32);
  who.csrf_token = secure_random_hex(32);
  std::lock_guard lock(mu_);
  // Expired sessions go when new ones come: the map stays as small as the live logins.
  std::erase_if(sessions_, [&](const auto& kv) { return now - kv.second.last_used > ttl_; });
  sessions_[who.session_id] = {who, now};
  return who;
}

std::optional<Principal> SessionStore::find(const std::string& id, TimePoint now) {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return std::nullopt;
  if (now - it->second.last_used > ttl_) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.last_used = now;
  return it->second.who;
}

void SessionStore::erase(const std::string& id) {
  std::lock_guard lock(mu_);
  sessions_.erase(id);
}

void LoginLimiter::expire(TimePoint now) {
  const auto old = [&](TimePoint t) { return now - t >= kWindow; };
  while (!overall_.empty() && old(overall_.front())) overall_.pop_front();
  for (auto it = by_ip_.begin(); it != by_ip_.end();) {
    while (!it->second.empty() && old(it->second.front())) it->second.pop_front();
    it = it->second.empty() ? by_ip_.erase(it) : std::next(it);
  }
}

std::int64_t LoginLimiter::wait_seconds(const std::string& ip, TimePoint now) {
  std::lock_guard lock(mu_);
  expire(now);
  const auto until = [&](TimePoint oldest) {
    return std::max<std::int64_t>(1, std::chrono::ceil<std::chrono::seconds>(oldest + kWindow - now).count());
  };
  if (static_cast<int>(overall_.size()) >= kMaxFailuresOverall) return until(overall_.front());
  auto it = by_ip_.find(ip);
  if (it != by_ip_.end() && static_cast<int>(it->second.size()) >= kMaxFailures) return until(it->second.front());
  return 0;
}

void LoginLimiter::failed(const std::string& ip, TimePoint now) {
  std::lock_guard lock(mu_);
  by_ip_[ip].push_back(now);
  overall_.push_back(now);
}

}  // namespace canarytrap::admin
