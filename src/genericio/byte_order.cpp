#include "genericio/byte_order.hpp"

namespace soastore::genericio {
namespace {

// Swapping through memcpy'd integers lets the compiler vectorise the loop (bswap per lane).
template <class T>
void swap_all(std::span<std::byte> data) noexcept {
  const std::size_t count = data.size() / sizeof(T);
  std::byte* p = data.data();
  for (std::size_t i = 0; i < count; ++i, p += sizeof(T)) {
    T value;
    std::memcpy(&value, p, sizeof(T));
    if constexpr (sizeof(T) == 2) value = __builtin_bswap16(value);
    if constexpr (sizeof(T) == 4) value = __builtin_bswap32(value);
    if constexpr (sizeof(T) == 8) value = __builtin_bswap64(value);
    std::memcpy(p, &value, sizeof(T));
  }
}

}  // namespace

void swap_elements(std::span<std::byte> data, std::size_t element_size) noexcept {
  switch (element_size) {
    case 2: swap_all<std::uint16_t>(data); break;
    case 4: swap_all<std::uint32_t>(data); break;
    case 8: swap_all<std::uint64_t>(data); break;
    default: break;  // single bytes have no order
  }
}

}  // namespace soastore::genericio
