#include "core/buffer.hpp"

#include <sys/mman.h>

#include <cstdlib>
#include <new>

namespace soastore::detail {
namespace {

constexpr std::size_t kPage = 4096;
constexpr std::size_t kHugePage = std::size_t{2} << 20;
constexpr std::size_t kHugePageThreshold = std::size_t{4} << 20;

std::size_t round_up(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }

}  // namespace

std::shared_ptr<std::byte> allocate_buffer(std::size_t nbytes) {
  const bool huge = nbytes >= kHugePageThreshold;
  const std::size_t alignment = huge ? kHugePage : kPage;
  if (nbytes > SIZE_MAX - alignment) throw std::bad_alloc();
  const std::size_t padded = round_up(nbytes == 0 ? 1 : nbytes, alignment);
  void* memory = std::aligned_alloc(alignment, padded);
  if (memory == nullptr) throw std::bad_alloc();
  // Advice only: a kernel without THP ignores it, which costs speed, not correctness.
  if (huge) (void)madvise(memory, padded, MADV_HUGEPAGE);
  return {static_cast<std::byte*>(memory), [](std::byte* p) { std::free(p); }};
}

}  // namespace soastore::detail
