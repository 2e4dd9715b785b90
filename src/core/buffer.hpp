#pragma once
// Fresh memory for array data, by size class, so that result buffers cost no more resident
// memory than numpy's own arrays (issue 10) while large ones keep their fast first touch.
//
// * Below kHugePageThreshold: plain malloc, unpadded, 16-byte aligned like numpy's arrays. These
//   used to be aligned_alloc(4096) blocks rounded up to 4 KiB. glibc serves an aligned request by
//   taking the size plus the alignment from its heap, so the hole a freed result leaves is always
//   too small for the next result of the same size. A loop that reads one column per (field,
//   step) and drops the previous result, as the merger tree's output phase does, kept growing the
//   heap over holes it could not reuse: about 21 MiB of free heap at peak on a 3.4 M-row input,
//   against 2 MiB for numpy (docs/performance.md, "Peak memory of the get_field loop").
// * From kHugePageThreshold on: an anonymous mapping of its own, starting on a 2 MiB boundary and
//   marked MADV_HUGEPAGE (first touch of fresh 2 MiB pages costs 0.02-0.06 s/GB here, 4 KiB pages
//   0.35 s/GB), exactly as long as the data rounded up to 4 KiB. Rounding it up to whole huge
//   pages, as before, left up to 2 MiB of resident padding per column; munmap returns the pages
//   as soon as the last handle goes, which the heap would not.

#include <cstddef>
#include <memory>

namespace soastore::detail {

// From this size on a buffer is a huge-page-aligned mapping of its own. 4 MiB is numpy's own
// threshold for MADV_HUGEPAGE: from here on whole aligned 2 MiB pages make up most of the buffer,
// and they cut the first-touch cost of a fresh buffer 7-15x, which is what dominates a get. As
// the mapping is not rounded up to huge pages, a threshold this low costs no memory (a higher one,
// such as 32 MiB, would lose that speed for 4-32 MiB columns). Below it a mapping per buffer
// would cost more than it saves: glibc's heap hands back warm pages, and a fresh mapping faults
// in every page again (an mmap per 0.4-1.7 MB result made the merger-tree loop 2.5x slower).
inline constexpr std::size_t kHugePageThreshold = std::size_t{4} << 20;
inline constexpr std::size_t kHugePageSize = std::size_t{2} << 20;
inline constexpr std::size_t kPageSize = 4096;

// How a buffer of `nbytes` is allocated: the rule allocate_buffer follows.
struct BufferLayout {
  bool huge_pages;        // an own mapping with MADV_HUGEPAGE, else malloc
  std::size_t alignment;  // guaranteed alignment of the first byte
  std::size_t reserved;   // bytes requested from malloc or mapped (never padded to 2 MiB)
};
[[nodiscard]] BufferLayout buffer_layout(std::size_t nbytes) noexcept;

// At least `nbytes` bytes (never null, even for 0), laid out as buffer_layout(nbytes) says.
// Throws std::bad_alloc when the memory cannot be had.
std::shared_ptr<std::byte> allocate_buffer(std::size_t nbytes);

}  // namespace soastore::detail
