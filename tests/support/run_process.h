// Runs a program to completion and captures what it printed: how the CLI tests drive the
// real `canarytrap` binary, exactly as a user's shell would.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace canarytrap::testing {

struct ProcessResult {
  int exit_code = -1;  // 128 + signal if it was killed
  std::string out;
  std::string err;
};

struct ProcessOptions {
  std::filesystem::path cwd;                // empty: inherit
  std::map<std::string, std::string> env;   // added to a clean environment (PATH, HOME kept)
};

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// run_process with the canarytrap binary under test as argv[0].
ProcessResult run_canarytrap(const std::vector<std::string>& args, const ProcessOptions& options = {});

}  // namespace canarytrap::testing
