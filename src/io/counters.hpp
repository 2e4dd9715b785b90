#pragma once
// The counters behind soastore::io_counters(): relaxed atomics, bumped by io::File and by the
// code that maps files, so counting costs a few nanoseconds per system call.

#include <atomic>
#include <cstdint>

namespace soastore::io {

struct AtomicCounters {
  std::atomic<std::uint64_t> opens{0};
  std::atomic<std::uint64_t> renames{0};
  std::atomic<std::uint64_t> removes{0};
  std::atomic<std::uint64_t> read_calls{0};
  std::atomic<std::uint64_t> bytes_read{0};
  std::atomic<std::uint64_t> write_calls{0};
  std::atomic<std::uint64_t> bytes_written{0};
  std::atomic<std::uint64_t> bytes_mapped{0};
  std::atomic<std::uint64_t> direct_read_calls{0};
  std::atomic<std::uint64_t> bytes_read_direct{0};
};

AtomicCounters& counters() noexcept;

inline void count(std::atomic<std::uint64_t>& counter, std::uint64_t amount = 1) noexcept {
  counter.fetch_add(amount, std::memory_order_relaxed);
}

}  // namespace soastore::io
