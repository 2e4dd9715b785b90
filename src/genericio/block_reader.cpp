#include "genericio/block_reader.hpp"

#include <blosc.h>
#include <sys/uio.h>

#include <algorithm>
#include <numeric>
#include <vector>

#include "genericio/byte_order.hpp"
#include "genericio/crc_trailer.hpp"
#include "io/checksum.hpp"
#include "soastore/errors.hpp"

namespace soastore::genericio {
namespace {

std::string describe(const SourceFile& source, const BlockRead& read) {
  return "variable '" + source.header.variables[read.variable].name + "' of file rank " + std::to_string(read.rank) +
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

// Reads the raw blocks, merging blocks that follow each other in the file (payload, trailer,
// payload, ...) into one vectored read, then checks each CRC.
void read_raw(SourceFile& source, const std::vector<const BlockRead*>& reads) {
  std::vector<Trailer> trailers(reads.size());
  std::vector<std::size_t> order(reads.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  const auto extent = [&](std::size_t i) -> const BlockExtent& {
    return source.header.block(reads[i]->rank, reads[i]->variable);
  };
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return extent(a).offset < extent(b).offset; });

  std::size_t first = 0;
  while (first < order.size()) {
    const std::uint64_t run_start = extent(order[first]).offset;
    std::uint64_t run_end = run_start;
    std::vector<iovec> buffers;
    std::size_t last = first;
    for (; last < order.size() && extent(order[last]).offset == run_end; ++last) {
      const std::size_t i = order[last];
      buffers.push_back({reads[i]->destination.data(), reads[i]->destination.size()});
      buffers.push_back({trailers[i].data(), kTrailerSize});
      run_end += extent(i).size + kTrailerSize;
    }
    const std::size_t got = source.file.read_vectored_at(buffers, run_start);
    if (got != run_end - run_start) {
      corrupt(source, *reads[order[first]], "the file ends at byte " + std::to_string(run_start + got) +
                                                 " (truncated while reading)");
    }
    first = last;
  }
  for (std::size_t i = 0; i < reads.size(); ++i) {
    if (!trailer_matches(reads[i]->destination, trailers[i].data())) corrupt(source, *reads[i], "data CRC check failed");
    to_host_order(source, *reads[i]);
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

void read_blocks(SourceFile& source, std::span<const BlockRead> reads) {
  std::vector<const BlockRead*> raw;
  for (const BlockRead& read : reads) {
    if (source.header.block(read.rank, read.variable).compressed) {
      read_compressed(source, read);
    } else {
      raw.push_back(&read);
    }
  }
  read_raw(source, raw);
}

}  // namespace soastore::genericio
