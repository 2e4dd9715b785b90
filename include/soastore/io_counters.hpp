#pragma once
// What soastore's file layer has done in this process: files opened, renamed and removed, bytes
// read, written and mapped. Every file access of the library goes through one place (src/io), so these counts
// are complete. They let a program (or a test) check what an operation costs, e.g. that reading
// one member of an npz archive reads that member's bytes and not the others'.

#include <cstdint>

namespace soastore {

struct IoCounters {
  std::uint64_t opens = 0;          // files opened (for reading or writing)
  std::uint64_t renames = 0;        // files renamed (a write's ".partial" to its final name)
  std::uint64_t removes = 0;        // files removed (unlink calls that removed a file)
  std::uint64_t read_calls = 0;     // pread/preadv calls
  std::uint64_t bytes_read = 0;     // bytes those calls returned
  std::uint64_t write_calls = 0;    // pwrite/pwritev calls
  std::uint64_t bytes_written = 0;  // bytes those calls wrote
  std::uint64_t bytes_mapped = 0;   // bytes of files memory-mapped instead of read
  // The part of read_calls and bytes_read that went through O_DIRECT descriptors (io=direct, or
  // auto for large reads), so a program can tell the page cache was bypassed.
  std::uint64_t direct_read_calls = 0;
  std::uint64_t bytes_read_direct = 0;
};

// A snapshot of the process-wide counts since start (safe to call from any thread).
[[nodiscard]] IoCounters io_counters() noexcept;

}  // namespace soastore
