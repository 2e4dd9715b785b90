#pragma once
// The system-call table the direct-I/O tests (test_direct.cpp, writes; test_direct_read.cpp,
// reads) run under: faults they inject (EINVAL for O_DIRECT, EINTR, short transfers, errors) and
// what they record (the direct calls and the memory each one used). Plain function pointers in
// the table cannot capture, so everything goes through one global.

#include <fcntl.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "io/system_calls.hpp"

namespace soastore::testing {

struct DirectFaults {
  int open_direct_errno = 0;    // an O_DIRECT open fails with it
  int direct_write_errno = 0;   // a write on an O_DIRECT descriptor fails with it
  int direct_read_errno = 0;    // a read on an O_DIRECT descriptor fails with it
  int write_errno = 0;          // every write fails with it
  int eintr_left = 0;           // this many reads or writes fail with EINTR first
  std::size_t max_transfer = SIZE_MAX;  // reads and writes move at most this much per call
  int direct_writes = 0;                    // writes that reached an O_DIRECT descriptor
  std::vector<const void*> direct_sources;  // the memory each of them wrote from
  int direct_reads = 0;                     // reads that reached an O_DIRECT descriptor
  std::vector<const void*> direct_targets;  // where those reads went
  int fallocates = 0;
};
extern DirectFaults faults;

// The real calls but open, pread(v), pwrite(v) and fallocate, which obey and record `faults`.
[[nodiscard]] io::SystemCalls faulty_calls();
[[nodiscard]] bool is_direct(int fd);
// `n` bytes of a pattern that differs with `seed` and with the position.
[[nodiscard]] std::vector<std::byte> pattern(std::size_t n, unsigned seed = 1);

}  // namespace soastore::testing
