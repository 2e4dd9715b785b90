#include "genericio/header.hpp"

#include <blosc.h>

#include <algorithm>
#include <cstring>
#include <string_view>

#include "genericio/byte_order.hpp"
#include "genericio/crc_trailer.hpp"
#include "soastore/errors.hpp"

namespace soastore::genericio {
namespace {

constexpr std::string_view kMagicLittle = "HACC01L";
constexpr std::string_view kMagicBig = "HACC01B";
constexpr std::size_t kMagicCompared = 7;  // the reference compares only these; byte 8 is NUL
constexpr std::size_t kFilterSlots = 4;
constexpr std::size_t kFilterNameSize = 8;

// Offsets of the global header fields (section 2.2 of the format).
enum GlobalField : std::uint64_t {
  kHeaderSizeAt = 8, kElemsAt = 16, kDimsAt = 24, kVarsAt = 48, kVarsSizeAt = 56, kVarsStartAt = 64,
  kRanksAt = 72, kRanksSizeAt = 80, kRanksStartAt = 88, kGlobalHeaderSizeAt = 96, kOriginAt = 104,
  kScaleAt = 128, kBlocksSizeAt = 152, kBlocksStartAt = 160,
};
// Oldest global header we accept: everything up to and including GlobalHeaderSize.
constexpr std::uint64_t kMinGlobalHeaderSize = kGlobalHeaderSizeAt + 8;
constexpr std::uint64_t kMinVariableHeaderSize = kNameSize + 16;  // name, flags, size
constexpr std::uint64_t kMinRankHeaderSize = 40;                 // coords, rows, start
constexpr std::uint64_t kBlockStartAt = kFilterSlots * kFilterNameSize;

[[noreturn]] void corrupt(const std::string& path, const std::string& what) {
  throw CorruptFile("GenericIO file '" + path + "' is corrupt: " + what, path);
}

std::uint64_t checked_mul(std::uint64_t a, std::uint64_t b, const std::string& path, const std::string& what) {
  std::uint64_t result = 0;
  if (__builtin_mul_overflow(a, b, &result)) corrupt(path, what + " overflows 64 bits");
  return result;
}

std::uint64_t checked_add(std::uint64_t a, std::uint64_t b, const std::string& path, const std::string& what) {
  std::uint64_t result = 0;
  if (__builtin_add_overflow(a, b, &result)) corrupt(path, what + " overflows 64 bits");
  return result;
}

// Reads the fields of a decoded header buffer with the file's byte order.
class FieldReader {
 public:
  FieldReader(std::span<const std::byte> bytes, bool big_endian) : bytes_(bytes), big_endian_(big_endian) {}
  [[nodiscard]] std::uint64_t u64(std::uint64_t at) const { return load_u64(bytes_.data() + at, big_endian_); }
  [[nodiscard]] double f64(std::uint64_t at) const { return load_f64(bytes_.data() + at, big_endian_); }
  [[nodiscard]] const std::byte* at(std::uint64_t offset) const { return bytes_.data() + offset; }

 private:
  std::span<const std::byte> bytes_;
  bool big_endian_;
};

// A table of `count` entries of `entry_size` bytes at `start` must lie inside the header.
void check_table(std::uint64_t start, std::uint64_t count, std::uint64_t entry_size, std::uint64_t min_entry_size,
                 std::uint64_t header_size, const std::string& path, const std::string& what) {
  if (count == 0) return;
  if (entry_size < min_entry_size) {
    corrupt(path, what + " entries of " + std::to_string(entry_size) + " bytes (at least " +
                      std::to_string(min_entry_size) + " needed)");
  }
  const std::uint64_t end = checked_add(start, checked_mul(count, entry_size, path, what + " table size"), path,
                                        what + " table end");
  if (start < kMinGlobalHeaderSize || end > header_size) {
    corrupt(path, std::to_string(count) + " " + what + " entries at offset " + std::to_string(start) +
                      " do not fit in the header of " + std::to_string(header_size) + " bytes");
  }
}

Variable decode_variable(const FieldReader& fields, std::uint64_t at, std::uint64_t entry_size, const std::string& path) {
  Variable variable;
  const auto* name = reinterpret_cast<const char*>(fields.at(at));
  variable.name.assign(name, strnlen(name, kNameSize));
  variable.flags = fields.u64(at + kNameSize);
  variable.size = fields.u64(at + kNameSize + 8);
  // ElementSize is absent from pre-2017 files: then every row is one element.
  variable.element_size = entry_size >= kVariableHeaderSize ? fields.u64(at + kNameSize + 16) : variable.size;
  const std::uint64_t e = variable.element_size;
  const bool is_float = (variable.flags & kFloatFlag) != 0;
  const bool element_ok = is_float ? (e == 4 || e == 8) : (e == 1 || e == 2 || e == 4 || e == 8);
  if (!element_ok || variable.size == 0 || variable.size % e != 0) {
    corrupt(path, "variable '" + variable.name + "' has Size " + std::to_string(variable.size) + " and ElementSize " +
                      std::to_string(e) + (is_float ? " (float)" : " (integer)") + ", which no type has");
  }
  return variable;
}

RankHeader decode_rank(const FieldReader& fields, std::uint64_t at, std::uint64_t entry_size, std::size_t index) {
  RankHeader rank;
  for (std::size_t d = 0; d < 3; ++d) rank.coords[d] = fields.u64(at + 8 * d);
  rank.rows = fields.u64(at + 24);
  rank.start = fields.u64(at + 32);
  rank.global_rank = entry_size >= kRankHeaderSize ? fields.u64(at + 40) : index;
  return rank;
}

std::string block_name(const Header& header, std::size_t rank, std::size_t variable) {
  return "variable '" + header.variables[variable].name + "' of file rank " + std::to_string(rank);
}

// Whether a block header's filters say BLOSC (true) or raw (false); anything else is refused.
bool decode_filters(const FieldReader& fields, std::uint64_t at, const std::string& path, const std::string& block) {
  std::array<std::string, kFilterSlots> names;
  for (std::size_t slot = 0; slot < kFilterSlots; ++slot) {
    const auto* text = reinterpret_cast<const char*>(fields.at(at + slot * kFilterNameSize));
    names[slot].assign(text, strnlen(text, kFilterNameSize));
  }
  const bool rest_empty = std::all_of(names.begin() + 1, names.end(), [](const std::string& n) { return n.empty(); });
  if (rest_empty && names[0].empty()) return false;
  if (rest_empty && names[0] == "BLOSC") return true;
  std::string all;
  for (const auto& name : names) all += (all.empty() ? "" : ",") + name;
  corrupt(path, block + " uses the unsupported filter(s) \"" + all + "\"");
}

// Checks one block against the file and the variable's row size.
void check_extent(const BlockExtent& extent, std::uint64_t rows, const Variable& variable, std::uint64_t data_start,
                  std::uint64_t file_size, const std::string& path, const std::string& block) {
  const std::uint64_t raw_size = checked_mul(rows, variable.size, path, block + " byte count");
  const std::uint64_t end = checked_add(checked_add(extent.offset, extent.size, path, block + " end"), kTrailerSize,
                                        path, block + " end");
  if (extent.offset < data_start || end > file_size) {
    corrupt(path, block + " at offset " + std::to_string(extent.offset) + " with " + std::to_string(extent.size) +
                      " bytes and its CRC does not fit between the header and the end of the file (" +
                      std::to_string(file_size) + " bytes)");
  }
  if (!extent.compressed && extent.size != raw_size) {
    corrupt(path, block + " holds " + std::to_string(extent.size) + " bytes for " + std::to_string(rows) +
                      " rows of " + std::to_string(variable.size) + " bytes");
  }
  // A compressed payload is the uncompressed CRC plus a blosc frame, whose 1.x format cannot
  // describe more than BLOSC_MAX_BUFFERSIZE bytes: that bounds what a reader allocates for it.
  if (extent.compressed && (extent.size < 8 + BLOSC_MIN_HEADER_LENGTH || raw_size == 0 ||
                            raw_size > static_cast<std::uint64_t>(BLOSC_MAX_BUFFERSIZE))) {
    corrupt(path, block + " claims a compressed block of " + std::to_string(extent.size) + " bytes for " +
                      std::to_string(raw_size) + " bytes of data, which blosc cannot hold");
  }
}

// Every block's extent: from the block headers, or computed as the plain layout stores them
// (each rank's blocks follow each other from its Start), each checked against the file.
std::vector<BlockExtent> decode_extents(const Header& header, const FieldReader& fields, std::uint64_t blocks_start,
                                        std::uint64_t blocks_size, std::uint64_t data_start, std::uint64_t file_size,
                                        const std::string& path) {
  const std::size_t nvars = header.variables.size();
  std::vector<BlockExtent> extents;
  extents.reserve(header.ranks.size() * nvars);
  for (std::size_t r = 0; r < header.ranks.size(); ++r) {
    const RankHeader& rank = header.ranks[r];
    std::uint64_t offset = rank.start;
    for (std::size_t v = 0; v < nvars; ++v) {
      const Variable& variable = header.variables[v];
      const std::string block = block_name(header, r, v);
      BlockExtent extent;
      if (header.block_headers) {
        const std::uint64_t at = blocks_start + (r * nvars + v) * blocks_size;
        extent.compressed = decode_filters(fields, at, path, block);
        extent.offset = fields.u64(at + kBlockStartAt);
        extent.size = fields.u64(at + kBlockStartAt + 8);
      } else {
        extent.offset = offset;
        extent.size = checked_mul(rank.rows, variable.size, path, block + " byte count");
        offset = checked_add(checked_add(offset, extent.size, path, block + " end"), kTrailerSize, path, block + " end");
      }
      check_extent(extent, rank.rows, variable, data_start, file_size, path, block);
      extents.push_back(extent);
    }
  }
  return extents;
}

}  // namespace

std::size_t Header::find(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < variables.size(); ++i) {
    if (variables[i].name == name) return i;
  }
  return static_cast<std::size_t>(-1);
}

std::uint64_t canonical_header_size(std::size_t nvariables, std::size_t nranks, bool block_headers) {
  return kGlobalHeaderSize + kVariableHeaderSize * nvariables + kRankHeaderSize * nranks +
         (block_headers ? kBlockHeaderSize * nranks * nvariables : 0);
}

std::vector<std::byte> encode_header(const Header& header) {
  const std::size_t nvars = header.variables.size();
  const std::size_t nranks = header.ranks.size();
  const std::uint64_t header_size = canonical_header_size(nvars, nranks, header.block_headers);
  const std::uint64_t vars_start = kGlobalHeaderSize;
  const std::uint64_t ranks_start = vars_start + kVariableHeaderSize * nvars;
  const std::uint64_t blocks_start = ranks_start + kRankHeaderSize * nranks;
  const bool big = header.big_endian;

  std::vector<std::byte> bytes(header_size + kTrailerSize);
  std::byte* const base = bytes.data();
  std::memcpy(base, big ? kMagicBig.data() : kMagicLittle.data(), kMagicCompared);
  const auto put = [&](std::uint64_t at, std::uint64_t value) { store_u64(base + at, value, big); };
  put(kHeaderSizeAt, header_size);
  put(kElemsAt, header.total_rows);
  for (std::size_t d = 0; d < 3; ++d) put(kDimsAt + 8 * d, header.dims[d]);
  put(kVarsAt, nvars);
  put(kVarsSizeAt, kVariableHeaderSize);
  put(kVarsStartAt, vars_start);
  put(kRanksAt, nranks);
  put(kRanksSizeAt, kRankHeaderSize);
  put(kRanksStartAt, ranks_start);
  put(kGlobalHeaderSizeAt, kGlobalHeaderSize);
  for (std::size_t d = 0; d < 3; ++d) {
    store_f64(base + kOriginAt + 8 * d, header.phys_origin[d], big);
    store_f64(base + kScaleAt + 8 * d, header.phys_scale[d], big);
  }
  put(kBlocksSizeAt, header.block_headers ? kBlockHeaderSize : 0);
  put(kBlocksStartAt, header.block_headers ? blocks_start : 0);

  for (std::size_t v = 0; v < nvars; ++v) {
    const Variable& variable = header.variables[v];
    const std::uint64_t at = vars_start + kVariableHeaderSize * v;
    // Like the reference, longer names are cut to the field; a 256-byte name has no NUL.
    std::memcpy(base + at, variable.name.data(), std::min(variable.name.size(), kNameSize));
    put(at + kNameSize, variable.flags);
    put(at + kNameSize + 8, variable.size);
    put(at + kNameSize + 16, variable.element_size);
  }
  for (std::size_t r = 0; r < nranks; ++r) {
    const RankHeader& rank = header.ranks[r];
    const std::uint64_t at = ranks_start + kRankHeaderSize * r;
    for (std::size_t d = 0; d < 3; ++d) put(at + 8 * d, rank.coords[d]);
    put(at + 24, rank.rows);
    put(at + 32, rank.start);
    put(at + 40, rank.global_rank);
  }
  if (header.block_headers) {
    for (std::size_t b = 0; b < header.blocks.size(); ++b) {
      const std::uint64_t at = blocks_start + kBlockHeaderSize * b;
      if (header.blocks[b].compressed) std::memcpy(base + at, "BLOSC", 5);
      put(at + kBlockStartAt, header.blocks[b].offset);
      put(at + kBlockStartAt + 8, header.blocks[b].size);
    }
  }
  const Trailer trailer = trailer_of({base, header_size});
  std::memcpy(base + header_size, trailer.data(), kTrailerSize);
  return bytes;
}

std::uint64_t assign_layout(Header& header, bool block_headers, std::uint64_t alignment) {
  header.block_headers = block_headers;
  const std::size_t nvars = header.variables.size();
  if (header.blocks.size() != header.ranks.size() * nvars) {
    header.blocks.clear();
    for (const RankHeader& rank : header.ranks) {
      for (const Variable& variable : header.variables) header.blocks.push_back({0, rank.rows * variable.size, false});
    }
  }
  std::uint64_t offset = canonical_header_size(nvars, header.ranks.size(), block_headers) + kTrailerSize;
  const auto aligned = [alignment](std::uint64_t at) { return (at + alignment - 1) / alignment * alignment; };
  for (std::size_t r = 0; r < header.ranks.size(); ++r) {
    header.ranks[r].start = nvars == 0 ? offset : aligned(offset);
    for (std::size_t v = 0; v < nvars; ++v) {
      BlockExtent& block = header.blocks[r * nvars + v];
      offset = aligned(offset);
      block.offset = offset;
      offset += block.size + kTrailerSize;
    }
  }
  return offset;
}

std::uint64_t stored_header_length(std::span<const std::byte> probe, std::uint64_t file_size, const std::string& path) {
  if (probe.size() < kMinGlobalHeaderSize) {
    corrupt(path, "only " + std::to_string(file_size) + " bytes, too short for a GenericIO header");
  }
  const std::string_view magic(reinterpret_cast<const char*>(probe.data()), kMagicCompared);
  if (magic != kMagicLittle && magic != kMagicBig) corrupt(path, "no GenericIO magic (HACC01L or HACC01B)");
  const std::uint64_t header_size = load_u64(probe.data() + kHeaderSizeAt, magic == kMagicBig);
  if (header_size < kMinGlobalHeaderSize || file_size < kTrailerSize || header_size > file_size - kTrailerSize) {
    corrupt(path, "HeaderSize " + std::to_string(header_size) + " does not fit in the file of " +
                      std::to_string(file_size) + " bytes");
  }
  return header_size + kTrailerSize;
}

Header decode_header(std::span<const std::byte> bytes, std::uint64_t file_size, const std::string& path) {
  const std::uint64_t header_size = stored_header_length(bytes, file_size, path) - kTrailerSize;
  if (bytes.size() != header_size + kTrailerSize) corrupt(path, "header cut short");
  if (!trailer_matches(bytes.first(header_size), bytes.data() + header_size)) corrupt(path, "header CRC check failed");

  Header header;
  header.big_endian = std::string_view(reinterpret_cast<const char*>(bytes.data()), kMagicCompared) == kMagicBig;
  const FieldReader fields(bytes, header.big_endian);
  const std::uint64_t global_size = fields.u64(kGlobalHeaderSizeAt);
  if (global_size < kMinGlobalHeaderSize || global_size > header_size) {
    corrupt(path, "GlobalHeaderSize " + std::to_string(global_size) + " is outside the header");
  }
  header.total_rows = fields.u64(kElemsAt);
  for (std::size_t d = 0; d < 3; ++d) header.dims[d] = fields.u64(kDimsAt + 8 * d);
  // Fields newer than the oldest writers count only when the global header holds them.
  if (global_size >= kScaleAt + 24) {
    for (std::size_t d = 0; d < 3; ++d) {
      header.phys_origin[d] = fields.f64(kOriginAt + 8 * d);
      header.phys_scale[d] = fields.f64(kScaleAt + 8 * d);
    }
  }
  const std::uint64_t nvars = fields.u64(kVarsAt), vars_size = fields.u64(kVarsSizeAt);
  const std::uint64_t vars_start = fields.u64(kVarsStartAt);
  const std::uint64_t nranks = fields.u64(kRanksAt), ranks_size = fields.u64(kRanksSizeAt);
  const std::uint64_t ranks_start = fields.u64(kRanksStartAt);
  check_table(vars_start, nvars, vars_size, kMinVariableHeaderSize, header_size, path, "variable header");
  check_table(ranks_start, nranks, ranks_size, kMinRankHeaderSize, header_size, path, "rank header");
  if (nranks == 0) corrupt(path, "the header lists no ranks");
  const std::uint64_t data_start = header_size + kTrailerSize;
  // Every block has at least its own 8-byte trailer in the data region: this bounds the number
  // of blocks (and what we allocate to describe them) by the file size.
  if (nvars != 0 && checked_mul(nranks, nvars, path, "block count") > (file_size - data_start) / kTrailerSize) {
    corrupt(path, std::to_string(nranks) + " ranks of " + std::to_string(nvars) +
                      " variables need more CRC trailers than the file has room for");
  }

  for (std::uint64_t v = 0; v < nvars; ++v) {
    header.variables.push_back(decode_variable(fields, vars_start + v * vars_size, vars_size, path));
  }
  std::uint64_t rows_sum = 0;
  for (std::uint64_t r = 0; r < nranks; ++r) {
    header.ranks.push_back(decode_rank(fields, ranks_start + r * ranks_size, ranks_size, r));
    rows_sum = checked_add(rows_sum, header.ranks.back().rows, path, "row count");
  }
  if (rows_sum != header.total_rows) {
    corrupt(path, "NElems " + std::to_string(header.total_rows) + " differs from the ranks' sum " +
                      std::to_string(rows_sum));
  }

  const std::uint64_t blocks_size = global_size >= kBlocksStartAt + 8 ? fields.u64(kBlocksSizeAt) : 0;
  header.block_headers = blocks_size > 0;
  const std::uint64_t blocks_start = header.block_headers ? fields.u64(kBlocksStartAt) : 0;
  if (header.block_headers) {
    check_table(blocks_start, nranks * nvars, blocks_size, kBlockHeaderSize, header_size, path, "block header");
  }
  header.blocks = decode_extents(header, fields, blocks_start, blocks_size, data_start, file_size, path);
  return header;
}

DType element_dtype(const Variable& variable) {
  const char kind = (variable.flags & kFloatFlag) ? 'f' : (variable.flags & kSignedFlag) ? 'i' : 'u';
  return *dtype_from_kind(kind, variable.element_size);
}

std::uint64_t type_flags(DType dtype) noexcept {
  switch (dtype_info(dtype).kind) {
    case 'f': return kFloatFlag | kSignedFlag;  // the reference: numeric_limits<float>::is_signed
    case 'i': return kSignedFlag;
    default: return 0;
  }
}

}  // namespace soastore::genericio
