#pragma once
// Little-endian fixed-width fields as zip and npy store them. ByteSink appends; ByteSource reads
// with bounds checks, so a parser never reads past the bytes it was handed: a field that would
// cross the end is a CorruptFile naming the file and the structure being read.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace soastore::npz {

class ByteSink {
 public:
  explicit ByteSink(std::vector<std::byte>& out) : out_(out) {}
  void u16(std::uint16_t value) { put(value, 2); }
  void u32(std::uint32_t value) { put(value, 4); }
  void u64(std::uint64_t value) { put(value, 8); }
  void text(std::string_view value);
  void zeros(std::size_t count) { out_.insert(out_.end(), count, std::byte{0}); }

 private:
  void put(std::uint64_t value, int width);
  std::vector<std::byte>& out_;
};

class ByteSource {
 public:
  // `path` and `what` ("central directory") name the structure in error messages.
  ByteSource(std::span<const std::byte> data, const std::string& path, std::string what)
      : data_(data), path_(path), what_(std::move(what)) {}
  std::uint16_t u16() { return static_cast<std::uint16_t>(get(2)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(get(4)); }
  std::uint64_t u64() { return get(8); }
  std::span<const std::byte> take(std::size_t count);
  void skip(std::size_t count) { take(count); }
  [[nodiscard]] std::size_t position() const noexcept { return position_; }
  [[nodiscard]] std::size_t remaining() const noexcept { return data_.size() - position_; }

 private:
  std::uint64_t get(int width);
  std::span<const std::byte> data_;
  const std::string& path_;
  std::string what_;
  std::size_t position_ = 0;
};

// Reads a little-endian integer of `width` bytes at the start of `bytes` (caller checked the size).
std::uint64_t load_le(const std::byte* bytes, int width) noexcept;

std::string_view as_text(std::span<const std::byte> bytes) noexcept;

}  // namespace soastore::npz
