#pragma once
// An Array over a private (copy-on-write) mapping of file bytes: zero-copy, and writing to the
// array never changes the file. The mapping lives as long as any handle to the array.

#include <cstdint>
#include <optional>

#include "io/file.hpp"
#include "soastore/array.hpp"

namespace soastore::npz {

// Whether data at `offset` can be mapped (mappings start on page boundaries).
bool mappable_offset(std::uint64_t offset) noexcept;

// The array of `shape` whose bytes are at `offset` of `file`, or nothing when the mapping fails.
std::optional<Array> map_array(const io::File& file, std::uint64_t offset, DType dtype, const Shape& shape);

}  // namespace soastore::npz
