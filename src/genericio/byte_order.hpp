#pragma once
// GenericIO stores every header field and data element in the byte order named by the file's
// magic (the writer's native order), except the CRC trailers, which are always little-endian.
// These helpers read and write fields of either order at any (unaligned) position.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace soastore::genericio {

[[nodiscard]] inline std::uint64_t load_u64(const std::byte* at, bool big_endian) noexcept {
  std::uint64_t value = 0;
  std::memcpy(&value, at, sizeof value);
  const bool host_big = std::endian::native == std::endian::big;
  return big_endian == host_big ? value : __builtin_bswap64(value);
}

inline void store_u64(std::byte* at, std::uint64_t value, bool big_endian) noexcept {
  const bool host_big = std::endian::native == std::endian::big;
  if (big_endian != host_big) value = __builtin_bswap64(value);
  std::memcpy(at, &value, sizeof value);
}

[[nodiscard]] inline double load_f64(const std::byte* at, bool big_endian) noexcept {
  return std::bit_cast<double>(load_u64(at, big_endian));
}

inline void store_f64(std::byte* at, double value, bool big_endian) noexcept {
  store_u64(at, std::bit_cast<std::uint64_t>(value), big_endian);
}

// Reverses the bytes of every `element_size`-byte element of `data` in place (1, 2, 4 or 8).
void swap_elements(std::span<std::byte> data, std::size_t element_size) noexcept;

// True when a file of this byte order needs swapping to be used on this machine.
[[nodiscard]] inline bool needs_swap(bool file_big_endian) noexcept {
  return file_big_endian != (std::endian::native == std::endian::big);
}

}  // namespace soastore::genericio
