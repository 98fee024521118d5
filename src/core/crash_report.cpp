#include "canarytrap/core/crash_report.h"

#include <execinfo.h>
#include <signal.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <initializer_list>

namespace canarytrap {

#if defined(__SANITIZE_ADDRESS__)

void install_crash_report() {}

#else

namespace {

// Only async-signal-safe calls from here on: write(2), backtrace_symbols_fd (which writes
// without allocating), raise.
void write_all(const char* s, std::size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(STDERR_FILENO, s, n);
    if (w <= 0) return;
    s += w;
    n -= static_cast<std::size_t>(w);
  }
}

void write_str(const char* s) { write_all(s, std::strlen(s)); }

void write_hex(std::uintptr_t v) {
  char buf[2 + 2 * sizeof v];
  std::size_t at = sizeof buf;
  do {
    buf[--at] = "0123456789abcdef"[v & 0xf];
    v >>= 4;
  } while (v != 0);
  buf[--at] = 'x';
  buf[--at] = '0';
  write_all(buf + at, sizeof buf - at);
}

void write_decimal(std::uintptr_t v) {
  char buf[24];
  std::size_t at = sizeof buf;
  do {
    buf[--at] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  write_all(buf + at, sizeof buf - at);
}

const char* signal_name(int signo) {
  switch (signo) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGILL: return "SIGILL";
    case SIGFPE: return "SIGFPE";
    case SIGABRT: return "SIGABRT";
    default: return "a fatal signal";
  }
}

void on_fatal_signal(int signo, siginfo_t* info, void*) {
  write_str("canarytrap: crashed: ");
  write_str(signal_name(signo));
  if (info != nullptr && info->si_code <= 0) {
    // kill(2), tgkill(2), sigqueue(3): si_addr is not an address but the sender's pid.
    write_str(" sent by process ");
    write_decimal(static_cast<std::uintptr_t>(info->si_pid));
  } else if (info != nullptr && signo != SIGABRT) {
    write_str(" at address ");
    write_hex(reinterpret_cast<std::uintptr_t>(info->si_addr));
  }
  write_str("; backtrace (addr2line -Cfe canarytrap +offset):\n");
  void* frames[64];
  const int n = ::backtrace(frames, 64);
  ::backtrace_symbols_fd(frames, n, STDERR_FILENO);
  // SA_RESETHAND put the default action back: the process ends as the signal says.
  ::raise(signo);
}

}  // namespace

void install_crash_report() {
  // backtrace() loads libgcc on its first call, which allocates: do that now, not in the handler.
  void* warm[1];
  (void)::backtrace(warm, 1);
  static char alternate_stack[64 * 1024];
  stack_t ss{};
  ss.ss_sp = alternate_stack;
  ss.ss_size = sizeof alternate_stack;
  (void)::sigaltstack(&ss, nullptr);
  struct sigaction sa {};
  sa.sa_sigaction = on_fatal_signal;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  for (int signo : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT}) (void)::sigaction(signo, &sa, nullptr);
}

#endif  // __SANITIZE_ADDRESS__

}  // namespace canarytrap
