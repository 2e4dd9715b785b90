#include "genericio/writer.hpp"

#include <bit>
#include <string>

#include "genericio/blosc_block.hpp"
#include "genericio/crc_trailer.hpp"
#include "genericio/soa_rules.hpp"
#include "io/checksum.hpp"
#include "io/chunked_io.hpp"
#include "io/direct_writer.hpp"
#include "soastore/errors.hpp"

namespace soastore::genericio {

std::vector<Variable> describe_variables(const SoA& soa, const WriteOptions& options) {
  if (options.one_dimensional) {
    check_writable(soa);
  } else {
    check_writable_variables(soa);
  }
  for (const auto& [name, flags] : options.variable_flags) {
    if (!soa.contains(name)) throw InvalidData("GenericIO write: flags given for '" + name + "', which is not in the data");
    if ((flags & ~(kKnownFlags & ~(kFloatFlag | kSignedFlag))) != 0) {
      throw InvalidData("GenericIO write: flags " + std::to_string(flags) + " for '" + name +
                        "' are not PhysCoordX/Y/Z or MaybePhysGhost");
    }
  }
  std::vector<Variable> variables;
  for (const auto& [name, array] : soa) {
    const auto flags = options.variable_flags.find(name);
    variables.push_back({name, type_flags(array.dtype()) | (flags == options.variable_flags.end() ? 0 : flags->second),
                         array.itemsize() * components_of(array), array.itemsize()});
  }
  return variables;
}

std::vector<Payload> prepare_payloads(const SoA& soa, const std::vector<Variable>& variables, bool compress) {
  std::vector<Payload> payloads;
  std::size_t v = 0;
  for (const auto& entry : soa) {
    Payload payload{&entry.second, std::nullopt};
    if (compress) payload.compressed = compress_block(entry.second.bytes(), variables[v].size);
    payloads.push_back(std::move(payload));
    ++v;
  }
  return payloads;
}

std::uint64_t variables_crc(const std::vector<Variable>& variables) {
  std::uint64_t crc = 0;
  for (const Variable& v : variables) {
    const std::string entry = v.name + '\0' + std::to_string(v.flags) + ',' + std::to_string(v.size) + ',' +
                              std::to_string(v.element_size) + ';';
    crc = io::crc64_xz(std::as_bytes(std::span(entry)), crc);
  }
  return crc;
}

std::uint64_t rows_of(const SoA& soa) noexcept { return soa.empty() ? 0 : rows_of(soa.begin()->second); }

bool uses_block_headers(const WriteOptions& options, bool direct) noexcept {
  return options.block_headers || options.compress || direct;
}

std::uint64_t blocks_start(std::size_t nvariables, std::size_t nranks, bool block_headers, std::uint64_t alignment) {
  const std::uint64_t end = canonical_header_size(nvariables, nranks, block_headers) + kTrailerSize;
  return nvariables == 0 ? end : (end + alignment - 1) / alignment * alignment;
}

namespace {

std::uint64_t aligned(std::uint64_t at, std::uint64_t alignment) { return (at + alignment - 1) / alignment * alignment; }

}  // namespace

std::uint64_t rank_span(std::span<const BlockExtent> payloads, std::uint64_t alignment) {
  // From an aligned start, as assign_layout (header.cpp) places blocks: each on the next boundary.
  std::uint64_t end = 0;
  for (const BlockExtent& payload : payloads) end = aligned(end, alignment) + payload.size + kTrailerSize;
  return payloads.empty() ? 0 : aligned(end, alignment);
}

Header own_part_at(const WriteOptions& options, const std::array<std::uint64_t, 3>& dims,
                   std::vector<Variable> variables, const RankFacts& rank, std::span<const BlockExtent> payloads,
                   std::uint64_t start, bool direct) {
  const std::uint64_t alignment = direct ? io::kDirectAlignment : 1;
  Header part;
  part.big_endian = std::endian::native == std::endian::big;
  part.dims = dims;
  part.phys_origin = options.phys_origin;
  part.phys_scale = options.phys_scale;
  part.variables = std::move(variables);
  part.block_headers = uses_block_headers(options, direct);
  part.ranks = {{rank.coords, rank.rows, start, rank.global_rank}};
  part.total_rows = rank.rows;
  std::uint64_t offset = start;
  for (const BlockExtent& payload : payloads) {
    offset = aligned(offset, alignment);
    part.blocks.push_back({offset, payload.size, payload.compressed});
    offset += payload.size + kTrailerSize;
  }
  return part;
}

Layout plan_layout(const WriteOptions& options, const std::array<std::uint64_t, 3>& dims,
                   std::vector<Variable> variables, std::span<const RankFacts> ranks,
                   std::span<const BlockExtent> compressed_blocks, bool direct) {
  Layout layout;
  Header& header = layout.header;
  header.big_endian = std::endian::native == std::endian::big;  // writers use their own order
  header.dims = dims;
  header.phys_origin = options.phys_origin;
  header.phys_scale = options.phys_scale;
  header.variables = std::move(variables);
  const std::size_t count = header.variables.size();
  for (const RankFacts& rank : ranks) {
    header.ranks.push_back({rank.coords, rank.rows, 0, rank.global_rank});
    header.total_rows += rank.rows;
  }
  if (options.compress) {
    for (std::size_t b = 0; b < ranks.size() * count; ++b) {
      header.blocks.push_back({0, compressed_blocks[b].size, compressed_blocks[b].compressed});
    }
  }
  layout.direct = direct && count > 0;
  layout.file_length = assign_layout(header, uses_block_headers(options, layout.direct),
                                     layout.direct ? io::kDirectAlignment : 1);
  return layout;
}

std::vector<BlockExtent> payload_extents(std::span<const Payload> payloads) {
  std::vector<BlockExtent> extents;
  extents.reserve(payloads.size());
  for (const Payload& payload : payloads) extents.push_back({0, payload.bytes().size(), payload.compressed.has_value()});
  return extents;
}

namespace {

void write_header(io::File& file, const Layout& layout) {
  file.truncate(layout.file_length);
  file.write_at(encode_header(layout.header), 0);
}

void write_rank_blocks(io::File& file, const Header& own, std::span<const Payload> payloads) {
  std::vector<Trailer> trailers;
  trailers.reserve(payloads.size());  // no reallocation: the writer holds pointers into it
  io::GatheringWriter writer(file, own.ranks[0].start);
  for (const Payload& payload : payloads) {
    std::uint64_t crc = 0;
    writer.append_chunks(payload.bytes(), [&](std::span<const std::byte> chunk) { crc = io::crc64_xz(chunk, crc); });
    trailers.push_back(make_trailer(crc));
    writer.append(trailers.back());
  }
  writer.flush();
}

// The direct path: the rank's blocks stream through aligned staging buffers (io/direct_writer.hpp),
// each payload's CRC computed on the copy, zeros up to every next block's 4 KiB boundary.
void write_rank_blocks_direct(const std::filesystem::path& path, const Header& own, std::span<const Payload> payloads) {
  if (own.blocks.empty()) return;
  const BlockExtent& first = own.blocks.front();
  const BlockExtent& last = own.blocks.back();
  const std::uint64_t end = last.offset + last.size + kTrailerSize;
  io::File file = io::File::open_or_create_direct(path);
  // Reserve this rank's range before writing: the ranks' direct writes then run side by side
  // without allocating (and a full disk says so here, before any block is written).
  file.preallocate(first.offset, end - first.offset);
  io::DirectWriter writer(file, first.offset, end - first.offset);
  for (const Payload& payload : payloads) {
    writer.pad_to(io::kDirectAlignment);
    std::uint64_t crc = 0;
    writer.append_crc64(payload.bytes(), crc);
    const Trailer trailer = make_trailer(crc);
    writer.append(trailer);
  }
  writer.finish();
  file.close();
}

}  // namespace

void write_rank_part(const std::filesystem::path& path, const Header& own, bool direct, const Layout* whole,
                     std::span<const Payload> payloads) {
  if (direct) {
    if (whole != nullptr) {
      io::File file = io::File::open_or_create(path);  // the header is small: buffered
      write_header(file, *whole);
      file.close();
    }
    write_rank_blocks_direct(path, own, payloads);
    return;
  }
  io::File file = io::File::open_or_create(path);
  if (whole != nullptr) write_header(file, *whole);
  write_rank_blocks(file, own, payloads);
  file.close();
}

}  // namespace soastore::genericio
