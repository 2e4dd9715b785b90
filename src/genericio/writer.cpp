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

Layout plan_layout(const WriteOptions& options, const std::array<std::uint64_t, 3>& dims,
                   std::vector<Variable> variables, std::span<const RankFacts> ranks,
                   std::span<const BlockExtent> compressed_blocks) {
  Layout layout;
  Header& header = layout.header;
  header.big_endian = std::endian::native == std::endian::big;  // writers use their own order
  header.dims = dims;
  header.phys_origin = options.phys_origin;
  header.phys_scale = options.phys_scale;
  header.variables = std::move(variables);
  const std::size_t count = header.variables.size();
  for (std::size_t r = 0; r < ranks.size(); ++r) {
    header.ranks.push_back({ranks[r].coords, ranks[r].rows, 0, r});
    header.total_rows += ranks[r].rows;
    if (!options.compress) continue;
    for (std::size_t v = 0; v < count; ++v) {
      const BlockExtent& block = compressed_blocks[r * count + v];
      header.blocks.push_back({0, block.size, block.compressed});
    }
  }
  layout.file_length = assign_layout(header, options.block_headers || options.compress);
  // Auto decides on the bytes per rank, which every rank computes alike from the same facts.
  const std::uint64_t per_rank = ranks.empty() ? 0 : layout.file_length / ranks.size();
  if (use_direct_io(options.io, per_rank) && count > 0) {
    layout.direct = true;
    layout.file_length = assign_layout(header, true, io::kDirectAlignment);
  }
  return layout;
}

Header own_part(const Layout& layout, std::size_t rank) {
  const Header& whole = layout.header;
  Header part;
  part.big_endian = whole.big_endian;
  part.dims = whole.dims;
  part.phys_origin = whole.phys_origin;
  part.phys_scale = whole.phys_scale;
  part.variables = whole.variables;
  part.block_headers = whole.block_headers;
  part.ranks = {whole.ranks[rank]};
  part.total_rows = whole.ranks[rank].rows;
  const std::size_t count = whole.variables.size();
  const auto first = whole.blocks.begin() + static_cast<std::ptrdiff_t>(rank * count);
  part.blocks.assign(first, first + static_cast<std::ptrdiff_t>(count));
  return part;
}

std::vector<BlockExtent> payload_extents(std::span<const Payload> payloads) {
  std::vector<BlockExtent> extents;
  extents.reserve(payloads.size());
  for (const Payload& payload : payloads) extents.push_back({0, payload.bytes().size(), payload.compressed.has_value()});
  return extents;
}

void write_header(io::File& file, const Layout& layout) {
  file.truncate(layout.file_length);
  file.write_at(encode_header(layout.header), 0);
}

void write_rank_blocks(io::File& file, const Layout& layout, std::size_t rank, std::span<const Payload> payloads) {
  std::vector<Trailer> trailers;
  trailers.reserve(payloads.size());  // no reallocation: the writer holds pointers into it
  io::GatheringWriter writer(file, layout.header.ranks[rank].start);
  for (const Payload& payload : payloads) {
    std::uint64_t crc = 0;
    writer.append_chunks(payload.bytes(), [&](std::span<const std::byte> chunk) { crc = io::crc64_xz(chunk, crc); });
    trailers.push_back(make_trailer(crc));
    writer.append(trailers.back());
  }
  writer.flush();
}

namespace {

// The direct path: the rank's blocks stream through aligned staging buffers (io/direct_writer.hpp),
// each payload's CRC computed on the copy, zeros up to every next block's 4 KiB boundary.
void write_rank_blocks_direct(const std::filesystem::path& path, const Layout& layout, std::size_t rank,
                              std::span<const Payload> payloads) {
  const std::size_t count = layout.header.variables.size();
  if (count == 0) return;
  const BlockExtent& first = layout.header.block(rank, 0);
  const BlockExtent& last = layout.header.block(rank, count - 1);
  const std::uint64_t end = last.offset + last.size + kTrailerSize;
  io::File file = io::File::open_or_create_direct(path);
  // Reserve this rank's range before writing: the ranks' direct writes then run side by side
  // without allocating (and a full disk says so here, before any block is written).
  file.preallocate(first.offset, end - first.offset);
  io::DirectWriter writer(file, first.offset, end - first.offset);
  for (std::size_t v = 0; v < count; ++v) {
    writer.pad_to(io::kDirectAlignment);
    std::uint64_t crc = 0;
    writer.append_crc64(payloads[v].bytes(), crc);
    const Trailer trailer = make_trailer(crc);
    writer.append(trailer);
  }
  writer.finish();
  file.close();
}

}  // namespace

void write_rank_part(const std::filesystem::path& path, const Layout& layout, std::size_t rank,
                     std::span<const Payload> payloads) {
  if (layout.direct) {
    if (rank == 0) {
      io::File file = io::File::open_or_create(path);  // the header is small: buffered
      write_header(file, layout);
      file.close();
    }
    write_rank_blocks_direct(path, layout, rank, payloads);
    return;
  }
  io::File file = io::File::open_or_create(path);
  if (rank == 0) write_header(file, layout);
  write_rank_blocks(file, layout, rank, payloads);
  file.close();
}

}  // namespace soastore::genericio
