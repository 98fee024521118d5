// The deployment files that can be checked without a Docker engine.
#include <fstream>

#include "cli/cli_fixture.h"

namespace canarytrap::testing {
namespace {

using DeployTest = CliTest;

TEST_F(DeployTest, SystemdUnitVerifies) {
  std::string unit = read_file(std::filesystem::path(CANARYTRAP_SOURCE_DIR) / "deploy/canarytrap.service");
  ASSERT_NE(unit.find("ExecStart=/usr/local/bin/canarytrap"), std::string::npos);
  // verify checks that the binary exists: point it at the one under test.
  for (std::size_t at; (at = unit.find("/usr/local/bin/canarytrap")) != std::string::npos;) {
    unit.replace(at, 25, CANARYTRAP_BIN_FOR_TESTS);
  }
  write_file(dir_ / "canarytrap.service", unit);
  auto r = run_process({"/usr/bin/systemd-analyze", "verify", (dir_ / "canarytrap.service").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  for (const char* hardening : {"NoNewPrivileges=yes", "ProtectSystem=strict", "ReadWritePaths=/var/lib/canarytrap",
                                "PrivateTmp=yes", "AmbientCapabilities=CAP_NET_BIND_SERVICE"}) {
    EXPECT_NE(unit.find(hardening), std::string::npos) << hardening;
  }
}

TEST_F(DeployTest, ExampleConfigPassesTheConfigChecks) {
  // The example names production paths and ports; its values must at least load. Its
  // loopback ports (admin 8081, metrics 9559) are the demo's too: a `scripts/run-demo.sh`
  // left running beside the tests holds them, so they are moved to free ones here.
  const auto example = std::filesystem::path(CANARYTRAP_SOURCE_DIR) / "deploy/canarytrap.example.toml";
  auto r = ct({"--config", example.string(), "check-config", "--json"},
              {{"CANARYTRAP_LISTEN_ADMIN", "127.0.0.1:" + std::to_string(free_port())},
               {"CANARYTRAP_LISTEN_METRICS", "127.0.0.1:" + std::to_string(free_port())}});
  auto j = nlohmann::json::parse(r.out);
  for (const auto& p : j["problems"]) {
    const std::string text = p.get<std::string>();
    // Files and ports of a production host are expected to be missing here; nothing else.
    const bool host_specific = text.find("/etc/canarytrap") != std::string::npos ||  // key, certificates, secrets
                               text.find("/var/lib/canarytrap") != std::string::npos ||
                               text.find("0.0.0.0:") != std::string::npos;
    EXPECT_TRUE(host_specific) << text;
  }
}

}  // namespace
}  // namespace canarytrap::testing
