// A scratch directory with `canarytrap init` already run in it, for CLI tests.
#pragma once

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/run_process.h"
#include "support/temp_dir.h"

namespace canarytrap::testing {

class CliTest : public ::testing::Test {
 protected:
  // Runs canarytrap in the scratch directory with CANARYTRAP_CONFIG unset.
  ProcessResult ct(const std::vector<std::string>& args, std::map<std::string, std::string> env = {}) {
    return run_canarytrap(args, {dir_.path(), std::move(env)});
  }
  void init() {
    auto r = ct({"init", "--zone", "canary.example.net", "--mail-domain", "mail.example.net"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static nlohmann::json json_of(const ProcessResult& r) {
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out);
  }
  // Usage and runtime errors are exactly one line on stderr and nothing on stdout.
  static void expect_one_line_error(const ProcessResult& r, int code, const std::string& mentions) {
    EXPECT_EQ(r.exit_code, code) << r.err;
    EXPECT_EQ(r.out, "");
    ASSERT_FALSE(r.err.empty());
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
    EXPECT_NE(r.err.find(mentions), std::string::npos) << r.err;
  }
  // A self-signed certificate for `cn`, valid for a day, written as PEM to the two files.
  static void make_cert(const std::string& cn, const std::filesystem::path& cert, const std::filesystem::path& key) {
    auto r = run_process({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                          "/CN=" + cn, "-keyout", key.string(), "-out", cert.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  TempDir dir_;
};

}  // namespace canarytrap::testing
