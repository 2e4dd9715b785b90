#pragma once
// Fresh memory for array data. On these machines first-touch of fresh pages is the slowest part
// of reading a file into a new buffer, so large buffers are 2 MiB aligned and marked for
// transparent huge pages, as numpy does (3-4x faster page faults).

#include <cstddef>
#include <memory>

namespace soastore::detail {

// At least `nbytes` bytes (never null, even for 0), aligned to 4096 or 2 MiB for large buffers.
std::shared_ptr<std::byte> allocate_buffer(std::size_t nbytes);

}  // namespace soastore::detail
