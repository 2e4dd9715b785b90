#include "npz/byte_codec.hpp"

#include "npz/corrupt.hpp"

namespace soastore::npz {

void ByteSink::put(std::uint64_t value, int width) {
  for (int i = 0; i < width; ++i) out_.push_back(static_cast<std::byte>((value >> (8 * i)) & 0xff));
}

void ByteSink::text(std::string_view value) {
  const auto* first = reinterpret_cast<const std::byte*>(value.data());
  out_.insert(out_.end(), first, first + value.size());
}

std::uint64_t load_le(const std::byte* bytes, int width) noexcept {
  std::uint64_t value = 0;
  for (int i = 0; i < width; ++i) value |= static_cast<std::uint64_t>(bytes[i]) << (8 * i);
  return value;
}

std::string_view as_text(std::span<const std::byte> bytes) noexcept {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

std::span<const std::byte> ByteSource::take(std::size_t count) {
  if (count > remaining()) throw_corrupt(path_, what_ + " is truncated");
  const auto result = data_.subspan(position_, count);
  position_ += count;
  return result;
}

std::uint64_t ByteSource::get(int width) {
  return load_le(take(static_cast<std::size_t>(width)).data(), width);
}

}  // namespace soastore::npz
