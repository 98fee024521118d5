// A last word from a process that crashes: the signal, the faulting address and a backtrace
// on stderr, then the default action (exit status 128 + signal, a core file where enabled).
//
// A server that dies of SIGSEGV otherwise leaves only its exit status behind; a stack in its
// log is what lets a crash seen once (in CI, in production) be found without a reproducer.
// Addresses print as `canarytrap(+0x…)`: `addr2line -Cfe build/src/canarytrap 0x…` on a
// build of the same commit names the line.
//
//   int main() { canarytrap::install_crash_report(); ... }
//
// Not installed under AddressSanitizer, whose own report is better.
#pragma once

namespace canarytrap {

// Installs the handler for SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGABRT, on an alternate stack
// on the main thread (so that its stack overflowing is reported too). Call once, early in main.
void install_crash_report();

}  // namespace canarytrap
