#pragma once
// Test-only zip assembler for hostile archives: members whose sizes, CRC, names and compression
// are whatever the test says, so each lie a reader must catch can be made on purpose.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "soastore/array.hpp"

namespace soastore::testing {

struct BuiltMember {
  std::string name;
  std::vector<std::byte> content;  // the member's uncompressed bytes
  bool deflate = false;
  // Lies told by the central directory (and local header) instead of the true values.
  std::optional<std::uint32_t> crc = std::nullopt;
  std::optional<std::uint32_t> uncompressed_size = std::nullopt;
  std::optional<std::uint32_t> compressed_size = std::nullopt;
};

std::vector<std::byte> build_zip(const std::vector<BuiltMember>& members);
// The .npy bytes (our header + data) of `array`.
std::vector<std::byte> npy_bytes(const Array& array);
// A version 1.0 .npy header around the dict text, padded to 64 bytes as numpy does.
std::string npy_v1_header(const std::string& dict);
// A .npy with the given header dict text (padded to 64) followed by `data_bytes` zero bytes.
std::vector<std::byte> npy_with_dict(const std::string& dict, std::size_t data_bytes);

}  // namespace soastore::testing
