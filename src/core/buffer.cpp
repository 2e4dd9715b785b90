#include "core/buffer.hpp"

#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>
#include <new>

namespace soastore::detail {
namespace {

std::size_t round_up(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }

// An anonymous mapping of exactly `length` bytes (a multiple of the page size) whose start is
// 2 MiB aligned: map one huge page more than needed and unmap the misaligned head and the tail.
std::byte* map_huge_page_aligned(std::size_t length) {
  if (length > SIZE_MAX - kHugePageSize) throw std::bad_alloc();
  const std::size_t span = length + kHugePageSize;
  void* raw = mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  auto* first = static_cast<std::byte*>(raw);
  const auto address = reinterpret_cast<std::uintptr_t>(first);
  std::byte* start = first + (round_up(address, kHugePageSize) - address);
  if (start != first) (void)munmap(first, static_cast<std::size_t>(start - first));
  std::byte* end = start + length;
  if (end != first + span) (void)munmap(end, static_cast<std::size_t>(first + span - end));
  // Advice only: a kernel without THP ignores it, which costs speed, not correctness.
  (void)madvise(start, length, MADV_HUGEPAGE);
  return start;
}

}  // namespace

BufferLayout buffer_layout(std::size_t nbytes) noexcept {
  if (nbytes >= kHugePageThreshold) {
    return {.huge_pages = true, .alignment = kHugePageSize, .reserved = round_up(nbytes, kPageSize)};
  }
  return {.huge_pages = false, .alignment = alignof(std::max_align_t), .reserved = nbytes == 0 ? 1 : nbytes};
}

std::shared_ptr<std::byte> allocate_buffer(std::size_t nbytes) {
  if (nbytes > SIZE_MAX - kHugePageSize) throw std::bad_alloc();
  const BufferLayout layout = buffer_layout(nbytes);
  if (layout.huge_pages) {
    std::byte* memory = map_huge_page_aligned(layout.reserved);
    const std::size_t length = layout.reserved;
    return {memory, [length](std::byte* p) { (void)munmap(p, length); }};
  }
  void* memory = std::malloc(layout.reserved);
  if (memory == nullptr) throw std::bad_alloc();
  return {static_cast<std::byte*>(memory), [](std::byte* p) { std::free(p); }};
}

}  // namespace soastore::detail
