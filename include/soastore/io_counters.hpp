#pragma once
// What soastore's file layer has done in this process: files opened, bytes read, written and
// mapped. Every file access of the library goes through one place (src/io), so these counts
// are complete. They let a program (or a test) check what an operation costs, e.g. that reading
// one member of an npz archive reads that member's bytes and not the others'.

#include <cstdint>

namespace soastore {

struct IoCounters {
  std::uint64_t opens = 0;          // files opened (for reading or writing)
  std::uint64_t read_calls = 0;     // pread/preadv calls
  std::uint64_t bytes_read = 0;     // bytes those calls returned
  std::uint64_t write_calls = 0;    // pwrite/pwritev calls
  std::uint64_t bytes_written = 0;  // bytes those calls wrote
  std::uint64_t bytes_mapped = 0;   // bytes of files memory-mapped instead of read
};

// A snapshot of the process-wide counts since start (safe to call from any thread).
[[nodiscard]] IoCounters io_counters() noexcept;

}  // namespace soastore
