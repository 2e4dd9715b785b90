#pragma once
// The peak resident memory of one phase. Linux keeps the high-water mark of the resident set
// (VmHWM) and resets it to the current RSS when "5" is written to /proc/self/clear_refs, so the
// peak of a phase is VmHWM read after it, once the mark was reset before it.

#include <cstdint>

namespace soastore::bench {

// Resets VmHWM to the current resident set; false when the kernel refuses (then peak() is the
// process's lifetime peak and the figures say so).
bool reset_peak_memory();
// VmRSS and VmHWM in bytes, 0 when /proc/self/status cannot be read.
[[nodiscard]] std::int64_t resident_memory();
[[nodiscard]] std::int64_t peak_memory();

}  // namespace soastore::bench
