#include "genericio/blosc_block.hpp"

#include <blosc.h>

#include <bit>

#include "genericio/byte_order.hpp"
#include "io/checksum.hpp"

namespace soastore::genericio {

std::optional<std::vector<std::byte>> compress_block(std::span<const std::byte> data, std::size_t row_size) {
  constexpr std::size_t kCrcSize = 8;
  if (data.empty() || data.size() > static_cast<std::size_t>(BLOSC_MAX_BUFFERSIZE)) return std::nullopt;
  // The frame may use at most as many bytes as the raw data, as in the reference.
  std::vector<std::byte> payload(kCrcSize + data.size());
  const int frame = blosc_compress_ctx(9, BLOSC_SHUFFLE, row_size, data.size(), data.data(), payload.data() + kCrcSize,
                                       data.size(), BLOSC_BLOSCLZ_COMPNAME, 0, 1);
  if (frame <= 0) return std::nullopt;
  payload.resize(kCrcSize + static_cast<std::size_t>(frame));
  store_u64(payload.data(), io::crc64_xz(data), std::endian::native == std::endian::big);
  return payload;
}

}  // namespace soastore::genericio
