#pragma once
// Writes an SoA as a zip archive of stored .npy members, each member's array data starting on a
// 4096-byte boundary, straight from the arrays' buffers a cache-sized chunk at a time, each chunk
// checksummed right before it is written.

#include <cstddef>
#include <cstdint>
#include <filesystem>

#include "npz/zip_format.hpp"
#include "soastore/io_mode.hpp"
#include "soastore/soa.hpp"

namespace soastore::npz {

inline constexpr std::size_t kDataAlignment = 4096;

struct WriteOptions {
  // Sizes, offsets and counts at or above this go to ZIP64 records. The zip limit by default;
  // tests lower it to 0 to take the ZIP64 path with small data.
  std::uint64_t zip64_threshold = zip::kZip64Marker32;
  // soastore/io_mode.hpp; the archive's bytes do not depend on it.
  IoMode io = IoMode::Buffered;
};

// InvalidData for a field name an archive cannot hold (see member_name.hpp); IoError from the file.
void write_npz(const std::filesystem::path& path, const SoA& soa, const WriteOptions& options = {});

}  // namespace soastore::npz
