#pragma once
// What O_DIRECT asks of every transfer: memory address, file offset and length all multiples of
// the device's logical block size. 4 KiB covers every device here (512-byte and 4 KiB sectors)
// and is the page size, so one rule serves the direct writer and the direct reader.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>

namespace soastore::io {

inline constexpr std::size_t kDirectAlignment = 4096;
// 8 MiB per direct request (and per staging buffer of the writer, which has two): large requests
// (the device takes 4 MiB per request, the block layer splits; 8-16 MiB requests ran at
// 1.4-2.4 GB/s here), small enough to stay cheap.
inline constexpr std::size_t kStagingBytes = std::size_t{8} << 20;

[[nodiscard]] constexpr std::uint64_t align_up(std::uint64_t value, std::uint64_t alignment) noexcept {
  return (value + alignment - 1) / alignment * alignment;
}

[[nodiscard]] constexpr std::uint64_t align_down(std::uint64_t value, std::uint64_t alignment) noexcept {
  return value / alignment * alignment;
}

[[nodiscard]] inline bool is_direct_aligned(const void* address) noexcept {
  return reinterpret_cast<std::uintptr_t>(address) % kDirectAlignment == 0;
}

// A kDirectAlignment-aligned heap buffer (staging for direct writes, bounce buffer for reads).
using AlignedBuffer = std::unique_ptr<std::byte, void (*)(void*)>;

// `bytes` must be a multiple of kDirectAlignment (aligned_alloc's rule).
[[nodiscard]] inline AlignedBuffer allocate_aligned(std::size_t bytes) {
  void* memory = std::aligned_alloc(kDirectAlignment, bytes);
  if (memory == nullptr) throw std::bad_alloc();
  return {static_cast<std::byte*>(memory), std::free};
}

}  // namespace soastore::io
