#pragma once
// The header of a .npy array (numpy.lib.format): magic "\x93NUMPY", version, header length, and a
// Python dict literal {'descr': ..., 'fortran_order': ..., 'shape': ...} padded with spaces and a
// newline. We write what numpy 1.24 writes, byte for byte (smallest version that fits, total
// header a multiple of 64); we parse versions 1.0, 2.0 and 3.0 strictly and within fixed bounds.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "soastore/array.hpp"

namespace soastore::npz {

// numpy refuses longer headers by default (max_header_size, numpy >= 1.24): so do we.
inline constexpr std::size_t kMaxNpyHeaderLength = 10000;
// Magic, version and the 4-byte length of a 2.0/3.0 header: enough to know the header's length.
inline constexpr std::size_t kNpyPreambleLength = 12;
// The most bytes a header we accept can take, preamble included.
inline constexpr std::size_t kMaxNpyHeaderBytes = kNpyPreambleLength + kMaxNpyHeaderLength;
// numpy's NPY_MAXDIMS: no numpy can hold an array of more dimensions.
inline constexpr std::size_t kMaxNpyDimensions = 32;

struct NpyHeader {
  DType dtype = DType::Float64;
  Shape shape;
  bool fortran_order = false;
  // The data are in the other byte order than this machine's and must be swapped.
  bool foreign_byte_order = false;
  // Bytes of the header (magic to newline); the array data follow.
  std::size_t header_bytes = 0;
  // Bytes of array data the header declares (checked not to overflow).
  std::uint64_t data_bytes = 0;
};

// The complete header numpy would write for a C-ordered native array of `dtype` and `shape`.
// InvalidData for more than kMaxNpyDimensions dimensions.
std::string encode_npy_header(DType dtype, const Shape& shape);

// How many bytes the header whose first bytes are `preamble` (kNpyPreambleLength of them, or all
// of a shorter member) says it takes, at most kMaxNpyHeaderBytes: what a reader must have before
// calling parse_npy_header, so that it need not fetch kMaxNpyHeaderBytes for every member. For
// bytes that are no npy preamble it answers kMaxNpyHeaderBytes, and the parse says what is wrong.
std::size_t npy_header_extent(std::span<const std::byte> preamble) noexcept;

// Parses the header at the start of `bytes` (which may hold more, e.g. the data). CorruptFile
// naming `path` and `member` for a bad magic or version, a header longer than numpy accepts or
// longer than `bytes`, a malformed dict, an object, structured or unsupported dtype, or a shape
// whose byte count overflows 64 bits.
NpyHeader parse_npy_header(std::span<const std::byte> bytes, const std::string& path, const std::string& member);

}  // namespace soastore::npz
