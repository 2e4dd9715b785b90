#pragma once
// How a store or a codec moves file data: through the page cache, or with O_DIRECT from aligned
// staging buffers straight to the device (docs/performance.md, "Direct I/O").

#include <cstdint>

namespace soastore {

enum class IoMode {
  // Direct for large transfers (at least kDirectIoThreshold bytes per rank), buffered below.
  Auto,
  // Through the page cache, as every release before did; files byte-identical to the reference's.
  Buffered,
  // O_DIRECT where the file system takes it (silently buffered where it refuses, e.g. tmpfs).
  Direct,
};

// 16 MiB per rank: two staging buffers' worth. Below it a direct write cannot keep the device
// busy while the next buffer fills, pays the alignment padding and fallocate for little, and
// loses what buffered writes give small files: a read right after the write hits the page cache.
// The read functions use the same threshold on the bytes a rank reads from a file: a small read
// is likely still cached (an O_DIRECT read never uses cached pages), a large one was written
// direct. A store knows better: it reads a key as it wrote it, so one field of a value written
// direct is read direct too (stores::FileAccounting::read_mode).
inline constexpr std::uint64_t kDirectIoThreshold = std::uint64_t{16} << 20;

// Whether a transfer of `bytes` per rank goes direct in `mode`.
[[nodiscard]] constexpr bool use_direct_io(IoMode mode, std::uint64_t bytes) noexcept {
  return mode == IoMode::Direct || (mode == IoMode::Auto && bytes >= kDirectIoThreshold);
}

}  // namespace soastore
