// Dashboard logins: sessions made from an API key, and the limit on failed logins.
//
// A session is a random id (the HttpOnly cookie) and a CSRF token (handed to the page,
// required on every mutation); it remembers which key made it, and the key is checked on
// every use, so revoking the key ends its sessions. Sessions live in memory: a restart of
// `serve` logs everybody out, which is the safe direction.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "canarytrap/core/clock.h"

namespace canarytrap::admin {

struct Principal {
  std::int64_t key_id = 0;
  std::string key_name;
  std::string role;        // admin | viewer
  bool via_session = false;
  std::string session_id;  // when via_session
  std::string csrf_token;  // when via_session
};

class SessionStore {
 public:
  explicit SessionStore(Micros ttl) : ttl_(ttl) {}

  // A new session for `who`; fills in its id and CSRF token.
  Principal create(Principal who, TimePoint now);
  // The live session with this id (its idle time restarts), if any.
  std::optional<Principal> find(const std::string& id, TimePoint now);
  void erase(const std::string& id);

 private:
  struct Entry {
    Principal who;
    TimePoint last_used;
  };
  Micros ttl_;
  std::mutex mu_;
  std::map<std::string, Entry> sessions_;
};

// Failed logins per client address: after kMaxFailures within kWindow, logins from that
// address are refused until the oldest failure leaves the window. Also bounded overall, so
// that many addresses cannot try keys at will.
class LoginLimiter {
 public:
  static constexpr int kMaxFailures = 5;
  static constexpr int kMaxFailuresOverall = 100;
  static constexpr std::chrono::seconds kWindow{300};

  // Seconds until a login from `ip` may be tried again; 0 = now.
  std::int64_t wait_seconds(const std::string& ip, TimePoint now);
  void failed(const std::string& ip, TimePoint now);

 private:
  void expire(TimePoint now);
  std::mutex mu_;
  std::map<std::string, std::deque<TimePoint>> by_ip_;
  std::deque<TimePoint> overall_;
};

}  // namespace canarytrap::admin
