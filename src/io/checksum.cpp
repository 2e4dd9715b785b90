#include "io/checksum.hpp"

#include <isa-l/crc.h>
#include <isa-l/crc64.h>

namespace soastore::io {

std::uint64_t crc64_xz(std::span<const std::byte> data, std::uint64_t previous) noexcept {
  // ISA-L's *_refl variants take and return the finalised CRC, which makes chaining direct.
  return crc64_ecma_refl(previous, reinterpret_cast<const unsigned char*>(data.data()), data.size());
}

std::uint32_t crc32_zip(std::span<const std::byte> data, std::uint32_t previous) noexcept {
  return crc32_gzip_refl(previous, reinterpret_cast<const unsigned char*>(data.data()), data.size());
}

}  // namespace soastore::io
