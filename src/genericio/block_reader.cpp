#include "genericio/block_reader.hpp"

#include <blosc.h>
#include <sys/uio.h>

#include <algorithm>
#include <vector>

#include "genericio/byte_order.hpp"
#include "genericio/crc_trailer.hpp"
#include "io/checksum.hpp"
#include "io/direct_reader.hpp"
#include "soastore/errors.hpp"

namespace soastore::genericio {
namespace {

std::string describe(const SourceFile& source, const BlockRead& read) {
  // The rank's own number (its index in a sub-file of a split file, or in a writer's own part,
  // is not what the writer knows it by).
  const std::uint64_t file_rank = source.header.ranks[read.rank].global_rank;
  return "variable '" + source.header.variables[read.variable].name + "' of file rank " + std::to_string(file_rank) +
         " in GenericIO file '" + source.path + "'";
}

[[noreturn]] void corrupt(const SourceFile& source, const BlockRead& read, const std::string& what) {
  throw CorruptFile(describe(source, read) + ": " + what, source.path);
}

void to_host_order(const SourceFile& source, const BlockRead& read) {
  if (needs_swap(source.header.big_endian)) {
    swap_elements(read.destination, source.header.variables[read.variable].element_size);
  }
}

// Reads the raw blocks in file order, each straight into its destination a chunk at a time with
// its trailer read along with the last chunk, and checksums each chunk right after it arrived,
// while it is still in cache (see io/chunked_io.hpp), with O_DIRECT when `io` says so for the
// bytes of all of them.
void read_raw(SourceFile& source, const std::vector<const BlockRead*>& reads, IoMode io) {
  std::uint64_t bytes = 0;
  for (const BlockRead* read : reads) bytes += read->destination.size() + kTrailerSize;
  io::DirectReader reader(source.file, use_direct_io(io, bytes));
  std::vector<const BlockRead*> ordered = reads;
  const auto offset_of = [&](const BlockRead* read) { return source.header.block(read->rank, read->variable).offset; };
  std::sort(ordered.begin(), ordered.end(), [&](const BlockRead* a, const BlockRead* b) { return offset_of(a) < offset_of(b); });
  for (const BlockRead* read : ordered) {
    Trailer trailer{};
    std::uint64_t crc = 0;
    const std::uint64_t offset = offset_of(read);
    const auto checksum = [&](std::span<const std::byte> chunk) { crc = io::crc64_xz(chunk, crc); };
    const std::size_t got = reader.read_chunks(read->destination, offset, trailer, checksum);
    if (got != read->destination.size() + kTrailerSize) {
      corrupt(source, *read, "the file ends at byte " + std::to_string(offset + got) + " (truncated while reading)");
    }
    if (!trailer_matches_crc(crc, trailer.data())) corrupt(source, *read, "data CRC check failed");
    to_host_order(source, *read);
  }
}

// A BLOSC block: [CRC of the uncompressed bytes, file order][blosc frame][trailer].
void read_compressed(SourceFile& source, const BlockRead& read) {
  const BlockExtent& extent = source.header.block(read.rank, read.variable);
  // The extent was checked against the file size when the header was decoded.
  std::vector<std::byte> payload(extent.size + kTrailerSize);
  if (source.file.read_at(payload, extent.offset) != payload.size()) {
    corrupt(source, read, "the file ends inside the block (truncated)");
  }
  const std::span<const std::byte> covered(payload.data(), extent.size);
  if (!trailer_matches(covered, payload.data() + extent.size)) corrupt(source, read, "data CRC check failed");
  const std::uint64_t original_crc = load_u64(payload.data(), source.header.big_endian);
  const std::byte* frame = payload.data() + 8;
  const std::size_t frame_size = extent.size - 8;
  std::size_t decoded_size = 0;
  if (blosc_cbuffer_validate(frame, frame_size, &decoded_size) != 0 || decoded_size != read.destination.size()) {
    corrupt(source, read, "the blosc frame does not hold the " + std::to_string(read.destination.size()) +
                              " bytes the header promises");
  }
  const int decoded = blosc_decompress_ctx(frame, read.destination.data(), read.destination.size(), 1);
  if (decoded < 0 || static_cast<std::size_t>(decoded) != read.destination.size()) {
    corrupt(source, read, "the blosc frame does not decompress");
  }
  if (io::crc64_xz(read.destination) != original_crc) corrupt(source, read, "decompressed data CRC check failed");
  to_host_order(source, read);
}

}  // namespace

void read_blocks(SourceFile& source, std::span<const BlockRead> reads, IoMode io) {
  std::vector<const BlockRead*> raw;
  for (const BlockRead& read : reads) {
    if (source.header.block(read.rank, read.variable).compressed) {
      read_compressed(source, read);
    } else {
      raw.push_back(&read);
    }
  }
  if (!raw.empty()) read_raw(source, raw, io);
}

}  // namespace soastore::genericio
