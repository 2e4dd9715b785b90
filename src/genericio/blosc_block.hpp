#pragma once
// The payload of a BLOSC block as the reference writes it: the CRC-64 of the uncompressed bytes
// (file byte order), then a blosc1 frame.

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

namespace soastore::genericio {

// The compressed payload for `data` (rows of `row_size` bytes), made like the reference's writer
// (level 9, byte shuffle with the row size as type size, blosclz), or nothing when blosc cannot
// make it smaller than the raw bytes: such blocks are stored raw, as the reference does.
std::optional<std::vector<std::byte>> compress_block(std::span<const std::byte> data, std::size_t row_size);

}  // namespace soastore::genericio
