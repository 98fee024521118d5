#include "mapped_window.h"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <mutex>

namespace canarytrap::scan_input {

namespace {

// The live windows, for the SIGBUS handler: lock-free, as a handler needs. A free entry has
// begin 0.
struct Slot {
  std::atomic<bool> taken{false};
  std::atomic<std::uintptr_t> begin{0}, end{0};  // the mapping's pages
  std::atomic<bool> truncated{false};
};
std::array<Slot, MappedWindow::kMostWindows> g_slots;
std::uintptr_t g_page = 4096;
struct sigaction g_previous {};
std::once_flag g_installed;
bool g_handler_ok = false;

void on_sigbus(int sig, siginfo_t* info, void* context) {
  const auto addr = reinterpret_cast<std::uintptr_t>(info->si_addr);
  for (Slot& s : g_slots) {
    const std::uintptr_t begin = s.begin.load(std::memory_order_acquire), end = s.end.load(std::memory_order_acquire);
    if (begin == 0 || addr < begin || addr >= end) continue;
    // The file ends before this page: zeros from here to the window's end, and the read is
    // retried on them.
    const std::uintptr_t page = addr & ~(g_page - 1);
    if (::mmap(reinterpret_cast<void*>(page), end - page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) !=
        MAP_FAILED) {
      s.truncated.store(true, std::memory_order_release);
      return;
    }
    break;
  }
  // No window's (or no zeros to be had): what was there before ours; by default, the end of
  // the process.
  if ((g_previous.sa_flags & SA_SIGINFO) != 0 && g_previous.sa_sigaction != nullptr) {
    g_previous.sa_sigaction(sig, info, context);
  } else if ((g_previous.sa_flags & SA_SIGINFO) == 0 && g_previous.sa_handler != SIG_DFL &&
             g_previous.sa_handler != SIG_IGN) {
    g_previous.sa_handler(sig);
  } else {
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    ::sigaction(SIGBUS, &dfl, nullptr);
    ::raise(sig);  // at once, for a SIGBUS sent rather than raised by a read
  }
}

void install_handler() {
  const long page = ::sysconf(_SC_PAGESIZE);
  if (page > 0) g_page = static_cast<std::uintptr_t>(page);
  struct sigaction sa {};
  sa.sa_sigaction = on_sigbus;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  g_handler_ok = ::sigaction(SIGBUS, &sa, &g_previous) == 0;
}

}  // namespace

std::unique_ptr<MappedWindow> MappedWindow::map(int fd, std::uint64_t from, std::size_t len) {
  std::call_once(g_installed, install_handler);
  if (!g_handler_ok || len == 0) return nullptr;
  std::size_t slot = 0;
  for (bool expected = false; slot < g_slots.size(); ++slot, expected = false) {
    if (g_slots[slot].taken.compare_exchange_strong(expected, true)) break;
  }
  if (slot == g_slots.size()) return nullptr;
  const std::uint64_t first_page = from & ~static_cast<std::uint64_t>(g_page - 1);
  const std::size_t lead = static_cast<std::size_t>(from - first_page);
  const std::size_t mapped = (lead + len + g_page - 1) & ~(g_page - 1);
  void* base = ::mmap(nullptr, mapped, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, static_cast<off_t>(first_page));
  if (base == MAP_FAILED) {
    g_slots[slot].taken.store(false);
    return nullptr;
  }
  Slot& s = g_slots[slot];
  s.truncated.store(false);
  s.end.store(reinterpret_cast<std::uintptr_t>(base) + mapped, std::memory_order_release);
  s.begin.store(reinterpret_cast<std::uintptr_t>(base), std::memory_order_release);
  return std::unique_ptr<MappedWindow>(new MappedWindow(base, mapped, static_cast<const char*>(base) + lead, len, slot));
}

MappedWindow::~MappedWindow() {
  Slot& s = g_slots[slot_];
  s.begin.store(0, std::memory_order_release);
  s.end.store(0, std::memory_order_release);
  ::munmap(base_, mapped_);
  s.taken.store(false, std::memory_order_release);
}

bool MappedWindow::truncated() const { return g_slots[slot_].truncated.load(std::memory_order_acquire); }

}  // namespace canarytrap::scan_input
