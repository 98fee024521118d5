// HugePageAllocator: an allocator for large tables read at random, such as the scanner's
// needle index, that asks the kernel for 2 MB pages.
//
// A look-up lands on a random cache line of a table of tens of megabytes: with 4 KB pages
// nearly every one also misses the TLB, and on a virtual machine a TLB miss walks two page
// tables; loading such a table also costs a page fault per 4 KB. Debian's kernel gives
// transparent huge pages to memory that asks (`madvise` mode), so blocks of 4 MB and more
// are allocated 2 MB-aligned and marked MADV_HUGEPAGE before anything touches them. Smaller
// blocks, and kernels that say no, get ordinary pages: it is only a hint.
//
//   std::vector<Slot, HugePageAllocator<Slot>> table(n);
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>

namespace canarytrap {

template <typename T>
class HugePageAllocator {
 public:
  using value_type = T;
  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) {}  // NOLINT(google-explicit-constructor): rebinding

  T* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kSmallest) return std::allocator<T>().allocate(n);
    void* p = std::aligned_alloc(kPage, rounded(bytes));
    if (p == nullptr) throw std::bad_alloc();
    (void)::madvise(p, rounded(bytes), MADV_HUGEPAGE);
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t n) {
    if (n * sizeof(T) < kSmallest) {
      std::allocator<T>().deallocate(p, n);
    } else {
      std::free(p);
    }
  }
  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const {
    return true;
  }

 private:
  static constexpr std::size_t kPage = std::size_t{2} << 20;
  static constexpr std::size_t kSmallest = std::size_t{4} << 20;
  static std::size_t rounded(std::size_t bytes) { return (bytes + kPage - 1) / kPage * kPage; }
};

}  // namespace canarytrap
