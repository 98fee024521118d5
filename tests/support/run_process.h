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

// A program left running in the background (a server under test); its stdout and stderr go
// to files. The destructor kills it if it is still running.
class BackgroundProcess {
 public:
  BackgroundProcess(const std::vector<std::string>& argv, const ProcessOptions& options,
                    const std::filesystem::path& log_prefix);
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  int pid() const { return pid_; }
  bool running();
  // Sends `signal` and waits (up to `timeout_ms`) for the exit code; -1 if it did not exit.
  int stop(int signal, int timeout_ms = 10000);
  std::string err() const;

 private:
  int pid_ = -1;
  int exit_code_ = -1;
  std::filesystem::path err_path_;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
int free_port();
// Whether something accepts TCP connections on 127.0.0.1:port.
bool port_open(int port);

// run_process with the canarytrap binary under test as argv[0].
ProcessResult run_canarytrap(const std::vector<std::string>& args, const ProcessOptions& options = {});

}  // namespace canarytrap::testing
