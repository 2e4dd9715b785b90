#pragma once
// GenericIO's CRC trailers: after each covered range (the header, every data block) the writer
// stores the inverted CRC-64/XZ of the range, little-endian whatever the file's byte order, so
// that the CRC over range + trailer gives a fixed residue. We check the equivalent
// crc(range) == ~trailer, which needs no second pass over the trailer bytes.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "genericio/byte_order.hpp"
#include "io/checksum.hpp"

namespace soastore::genericio {

inline constexpr std::size_t kTrailerSize = 8;
using Trailer = std::array<std::byte, kTrailerSize>;

// The trailer for a range whose CRC-64/XZ is `crc`.
[[nodiscard]] inline Trailer make_trailer(std::uint64_t crc) noexcept {
  Trailer trailer{};
  store_u64(trailer.data(), ~crc, false);
  return trailer;
}

[[nodiscard]] inline Trailer trailer_of(std::span<const std::byte> range) noexcept {
  return make_trailer(io::crc64_xz(range));
}

// Whether `trailer` belongs to a range whose CRC-64/XZ is `crc`.
[[nodiscard]] inline bool trailer_matches_crc(std::uint64_t crc, const std::byte* trailer) noexcept {
  return crc == ~load_u64(trailer, false);
}

[[nodiscard]] inline bool trailer_matches(std::span<const std::byte> range, const std::byte* trailer) noexcept {
  return trailer_matches_crc(io::crc64_xz(range), trailer);
}

}  // namespace soastore::genericio
