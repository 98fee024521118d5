// Registry: API keys for the admin API. A key is "ctk_" and 32 random bytes in hex; the
// registry stores its SHA-256 only, so a copy of the registry does not hand out access.
#include <openssl/evp.h>

#include "canarytrap/core/secure_random.h"
#include "registry_impl.h"
#include "sqlite.h"

namespace canarytrap {

namespace {

std::string sha256_hex(std::string_view text) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), md, &len, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) out += {kHex[md[i] >> 4], kHex[md[i] & 15]};
  return out;
}

constexpr std::string_view kKeySelect = "SELECT id, name, role, created_at, revoked_at, last_used_at FROM api_key ";

ApiKeyRow read_key(const sqlite::Stmt& st) {
  ApiKeyRow k;
  k.id = st.int64(0);
  k.name = st.text(1);
  k.role = st.text(2);
  k.created_at = from_unix_micros(st.int64(3));
  if (auto r = st.optional_int64(4)) k.revoked_at = from_unix_micros(*r);
  if (auto u = st.optional_int64(5)) k.last_used_at = from_unix_micros(*u);
  return k;
}

}  // namespace

Result<std::string> Registry::create_api_key(const std::string& name, const std::string& role, TimePoint now) {
  if (name.empty() || name.size() > 64 || name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_.-") != std::string::npos) {
    return Status::InvalidArgument("key name must be 1-64 of a-z, 0-9, '.', '_' and '-'");
  }
  if (role != "admin" && role != "viewer") return Status::InvalidArgument("role must be admin or viewer");
  const std::string key = "ctk_" + secure_random_hex(32);
  auto st = sqlite::Stmt::prepare(impl_->db,
                                  "INSERT INTO api_key (name, role, key_sha256, created_at) VALUES (?1, ?2, ?3, ?4)");
  if (!st) return st.status();
  Status s = st->bind(1, name).bind(2, role).bind(3, sha256_hex(key)).bind(4, to_unix_micros(now)).run();
  if (s.code() == Status::Code::kAlreadyExists) return Status::AlreadyExists("a key named '" + name + "' exists already");
  if (!s.ok()) return s;
  return key;
}

Result<std::vector<ApiKeyRow>> Registry::list_api_keys() {
  auto st = sqlite::Stmt::prepare(impl_->db, std::string(kKeySelect) + "ORDER BY name");
  if (!st) return st.status();
  std::vector<ApiKeyRow> out;
  for (;;) {
    auto row = st->step();
    if (!row) return row.status();
    if (!*row) break;
    out.push_back(read_key(*st));
  }
  return out;
}

Status Registry::revoke_api_key(const std::string& name, TimePoint now) {
  auto st = sqlite::Stmt::prepare(impl_->db,
                                  "UPDATE api_key SET revoked_at = coalesce(revoked_at, ?2) WHERE name = ?1");
  if (!st) return st.status();
  CT_RETURN_IF_ERROR(st->bind(1, name).bind(2, to_unix_micros(now)).run());
  if (sqlite3_changes(impl_->db.get()) == 0) return Status::NotFound("no key named '" + name + "'");
  return Status::Ok();
}

Result<std::optional<ApiKeyRow>> Registry::authenticate_api_key(const std::string& key, TimePoint now) {
  auto st = sqlite::Stmt::prepare(impl_->db, std::string(kKeySelect) + "WHERE key_sha256 = ?1 AND revoked_at IS NULL");
  if (!st) return st.status();
  st->bind(1, sha256_hex(key));
  auto row = st->step();
  if (!row) return row.status();
  if (!*row) return std::optional<ApiKeyRow>();
  ApiKeyRow k = read_key(*st);
  st->reset();
  // "Last used" to the minute: a script polling the API must not turn every request into a
  // registry write (and a sync) beside the recorder's.
  if (k.last_used_at && now - *k.last_used_at < std::chrono::minutes(1)) return std::optional<ApiKeyRow>(std::move(k));
  auto used = sqlite::Stmt::prepare(impl_->db, "UPDATE api_key SET last_used_at = ?2 WHERE id = ?1");
  if (!used) return used.status();
  CT_RETURN_IF_ERROR(used->bind(1, k.id).bind(2, to_unix_micros(now)).run());
  k.last_used_at = now;
  return std::optional<ApiKeyRow>(std::move(k));
}

Result<std::optional<ApiKeyRow>> Registry::find_active_api_key(std::int64_t id) {
  auto st = sqlite::Stmt::prepare(impl_->db, std::string(kKeySelect) + "WHERE id = ?1 AND revoked_at IS NULL");
  if (!st) return st.status();
  st->bind(1, id);
  auto row = st->step();
  if (!row) return row.status();
  if (!*row) return std::optional<ApiKeyRow>();
  return std::optional<ApiKeyRow>(read_key(*st));
}

}  // namespace canarytrap
