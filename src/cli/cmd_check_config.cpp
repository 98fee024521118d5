// canarytrap check-config: everything `serve` would trip over, one line per problem.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "canarytrap/admin/admin_server.h"
#include "command.h"

namespace canarytrap::cli {
namespace {

// Whether a socket of `type` can be bound to `ep` right now ("" if so, else why not).
std::string bind_problem(const Endpoint& ep, int type) {
  const bool v6 = ep.host.find(':') != std::string::npos;
  const int fd = ::socket(v6 ? AF_INET6 : AF_INET, type, 0);
  if (fd < 0) return std::strerror(errno);
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  int rc;
  if (v6) {
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(ep.port);
    inet_pton(AF_INET6, ep.host.c_str(), &a.sin6_addr);
    rc = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  } else {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(ep.port);
    inet_pton(AF_INET, ep.host.c_str(), &a.sin_addr);
    rc = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  }
  const std::string why = rc == 0 ? "" : std::strerror(errno);
  ::close(fd);
  return why;
}

// The certificate and key load, and belong together ("" if so).
std::string tls_problem(const std::filesystem::path& cert, const std::filesystem::path& key) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  std::string why;
  if (SSL_CTX_use_certificate_chain_file(ctx, cert.c_str()) != 1) {
    why = "tls.cert " + cert.string() + ": cannot read a PEM certificate";
  } else {
    // Read the key on its own first: loading it into the context already fails on a mismatch.
    EVP_PKEY* pkey = nullptr;
    if (std::FILE* f = std::fopen(key.c_str(), "r")) {
      pkey = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
      std::fclose(f);
    }
    if (pkey == nullptr) {
      why = "tls.key " + key.string() + ": cannot read a PEM private key";
    } else if (SSL_CTX_use_PrivateKey(ctx, pkey) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
      why = "tls.key " + key.string() + " does not match the certificate " + cert.string();
    }
    EVP_PKEY_free(pkey);
  }
  SSL_CTX_free(ctx);
  return why;
}

class CheckConfigCommand final : public Command {
 public:
  CLI::App* add(CLI::App& app) override {
    auto* sub = app.add_subcommand("check-config", "Check the config: values, files, certificate, ports");
    sub->add_flag("--json", json_, "Print the problems as JSON");
    return sub;
  }

  int run(const GlobalOptions& g) override {
    std::vector<std::string> problems;
    auto cfg = load(g);
    if (!cfg) {
      problems.push_back(cfg.status().message());
      return report(problems);
    }
    std::ifstream key(cfg->key_file);
    std::string secret;
    key >> secret;
    if (!key.is_open()) {
      problems.push_back("secrets.key_file " + cfg->key_file.string() + ": cannot read it");
    } else if (secret.size() != 64 || secret.find_first_not_of("0123456789abcdef") != std::string::npos) {
      problems.push_back("secrets.key_file " + cfg->key_file.string() + ": want 64 hex characters (32 random bytes)");
    }
    if (auto reg = open_registry(*cfg); !reg) problems.push_back(reg.status().message());
    const bool tls_wanted = !cfg->listen_https.empty();
    if (tls_wanted && (cfg->tls_cert.empty() || cfg->tls_key.empty())) {
      problems.push_back("listen.https is set but tls.cert and tls.key are not");
    } else if (!cfg->tls_cert.empty() || !cfg->tls_key.empty()) {
      if (cfg->tls_cert.empty() || cfg->tls_key.empty()) {
        problems.push_back("tls.cert and tls.key go together: set both or neither");
      } else if (auto why = tls_problem(cfg->tls_cert, cfg->tls_key); !why.empty()) {
        problems.push_back(why);
      }
    }
    if (cfg->public_ips.empty()) problems.push_back("dns.public_ips is empty: A/AAAA queries would get no answer");
    for (const auto& d : cfg->alerts) {
      if (!d.secret_file.empty()) {
        std::ifstream f(d.secret_file);
        std::string s;
        if (!f.is_open()) {
          problems.push_back("[[alert]] '" + d.name + "': secret_file " + d.secret_file.string() + ": cannot read it");
        } else if (!(f >> s) || s.size() < 16) {
          problems.push_back("[[alert]] '" + d.name + "': secret_file " + d.secret_file.string() +
                             ": want at least 16 bytes (openssl rand -hex 32)");
        }
      }
    }
    if (!cfg->listen_admin.empty()) {
      const auto web = cfg->admin_web_root.empty() ? AdminServer::default_web_root() : cfg->admin_web_root;
      if (!std::ifstream(web / "index.html").is_open()) {
        problems.push_back("admin.web_root " + web.string() + ": no index.html (the dashboard's files are not there)");
      }
      for (const auto& [key, file] : {std::pair{"admin.tls_cert", cfg->admin_tls_cert}, {"admin.tls_key", cfg->admin_tls_key}}) {
        if (!file.empty() && !std::ifstream(file).is_open()) problems.push_back(std::string(key) + " " + file.string() + ": cannot read it");
      }
    }
    if (!cfg->alert_ca_file.empty() && !std::ifstream(cfg->alert_ca_file).is_open()) {
      problems.push_back("alerts.ca_file " + cfg->alert_ca_file.string() + ": cannot read it");
    }
    const std::pair<const char*, const std::string*> listens[] = {
        {"listen.dns", &cfg->listen_dns},     {"listen.http", &cfg->listen_http},   {"listen.https", &cfg->listen_https},
        {"listen.smtp", &cfg->listen_smtp},   {"listen.metrics", &cfg->listen_metrics},
        {"listen.admin", &cfg->listen_admin}};
    for (const auto& [name, value] : listens) {
      if (value->empty()) continue;
      auto ep = parse_endpoint(*value);
      if (!ep) continue;  // load() already refused a malformed one
      if (auto why = bind_problem(*ep, SOCK_STREAM); !why.empty()) {
        problems.push_back(std::string(name) + " " + *value + ": " + why);
      } else if (std::string_view(name) == "listen.dns") {
        if (auto why_udp = bind_problem(*ep, SOCK_DGRAM); !why_udp.empty()) {
          problems.push_back(std::string(name) + " " + *value + " (udp): " + why_udp);
        }
      }
    }
    return report(problems);
  }

 private:
  int report(const std::vector<std::string>& problems) const {
    if (json_) {
      print_json({{"ok", problems.empty()}, {"problems", problems}});
    } else if (problems.empty()) {
      std::cout << "config ok\n";
    } else {
      for (const auto& p : problems) std::cerr << "canarytrap: problem: " << p << "\n";
    }
    return problems.empty() ? kExitOk : kExitFailure;
  }

  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> make_check_config_command() { return std::make_unique<CheckConfigCommand>(); }

}  // namespace canarytrap::cli
