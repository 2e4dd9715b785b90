#pragma once
// The header of one GenericIO file (global header, variable, rank and block headers) in host
// form, its encoding as the reference writes it, and its decoding with every size and offset
// checked against the file, so that nothing later trusts an unchecked number.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "soastore/dtype.hpp"

namespace soastore::genericio {

// Structure sizes as current writers use them (older files may have smaller ones).
inline constexpr std::uint64_t kGlobalHeaderSize = 168;
inline constexpr std::uint64_t kVariableHeaderSize = 280;
inline constexpr std::uint64_t kRankHeaderSize = 48;
inline constexpr std::uint64_t kBlockHeaderSize = 48;
inline constexpr std::size_t kNameSize = 256;

// Type bits of a variable's flags (the others are VariableFlag in soastore/genericio.hpp).
inline constexpr std::uint64_t kFloatFlag = 1;
inline constexpr std::uint64_t kSignedFlag = 2;
inline constexpr std::uint64_t kKnownFlags = 63;

struct Variable {
  std::string name;
  std::uint64_t flags = 0;
  std::uint64_t size = 0;          // bytes per row
  std::uint64_t element_size = 0;  // bytes per scalar element
  [[nodiscard]] std::uint64_t components() const noexcept { return size / element_size; }
};

struct RankHeader {
  std::array<std::uint64_t, 3> coords{};
  std::uint64_t rows = 0;
  std::uint64_t start = 0;  // offset of the rank's first data block
  std::uint64_t global_rank = 0;
};

// Where the payload of one (rank, variable) block is; its CRC trailer follows it.
struct BlockExtent {
  std::uint64_t offset = 0;
  std::uint64_t size = 0;  // payload bytes without the trailer
  bool compressed = false;
};

struct Header {
  bool big_endian = false;
  std::uint64_t total_rows = 0;
  std::array<std::uint64_t, 3> dims{1, 1, 1};
  std::array<double, 3> phys_origin{};
  std::array<double, 3> phys_scale{};
  std::vector<Variable> variables;
  std::vector<RankHeader> ranks;
  bool block_headers = false;
  // Every block's extent, rank-major (rank * variables + variable). Filled by decode_header;
  // encode_header writes block headers from it when block_headers is set.
  std::vector<BlockExtent> blocks;

  [[nodiscard]] const BlockExtent& block(std::size_t rank, std::size_t variable) const {
    return blocks[rank * variables.size() + variable];
  }
  // Index of the first variable called `name` (as the reference: first match wins), or npos.
  [[nodiscard]] std::size_t find(std::string_view name) const noexcept;
};

// Bytes of the header without its CRC trailer, for the canonical layout encode_header writes.
[[nodiscard]] std::uint64_t canonical_header_size(std::size_t nvariables, std::size_t nranks, bool block_headers);

// The header bytes followed by the header CRC trailer, in the canonical layout (168/280/48/48,
// no gaps) and in the given byte order. ranks[i].start must already be set.
[[nodiscard]] std::vector<std::byte> encode_header(const Header& header);

// Places every block as current writers do (rank by rank, variable by variable, from just after
// the header CRC; the same places with or without block headers) and sets each rank's Start.
// Blocks are raw (rows * Size bytes) unless header.blocks already gives each block's payload
// size and filter (compressed writes); only the offsets are filled in then. Returns the file length.
// With `alignment` above 1 every block starts on a multiple of it (zero padding in between; only
// the block layout can say so, so it needs block_headers).
std::uint64_t assign_layout(Header& header, bool block_headers, std::uint64_t alignment = 1);

// The first bytes a reader fetches: enough for every global header field.
inline constexpr std::size_t kProbeSize = kGlobalHeaderSize;

// Bytes of header + trailer, from the first bytes of a file (`probe`, at most kProbeSize);
// CorruptFile (naming `path`) unless it is a GenericIO file whose header fits in `file_size`.
[[nodiscard]] std::uint64_t stored_header_length(std::span<const std::byte> probe, std::uint64_t file_size,
                                                 const std::string& path);

// Decodes header + trailer (as many bytes as stored_header_length said), checking the header
// CRC, every structure size and count, and every block extent against `file_size`.
[[nodiscard]] Header decode_header(std::span<const std::byte> bytes, std::uint64_t file_size, const std::string& path);

// The element type of a variable (float and signed bits with ElementSize); CorruptFile-free:
// decode_header has already rejected variables without one.
[[nodiscard]] DType element_dtype(const Variable& variable);
// The type bits (float, signed) the reference stores for an element type.
[[nodiscard]] std::uint64_t type_flags(DType dtype) noexcept;

}  // namespace soastore::genericio
