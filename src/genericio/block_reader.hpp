#pragma once
// Reading data blocks: raw payloads go straight into the caller's memory a cache-sized chunk at a
// time, each chunk checksummed as it arrives; BLOSC blocks are decompressed into it; every CRC is
// checked and elements are put into host byte order. With direct I/O the raw blocks are read
// with O_DIRECT (io/direct_reader.hpp); BLOSC blocks, small and decompressed from a copy anyway,
// stay buffered.

#include <cstddef>
#include <span>

#include "genericio/dataset.hpp"
#include "soastore/io_mode.hpp"

namespace soastore::genericio {

struct BlockRead {
  std::size_t rank = 0;      // index of the rank header in the file
  std::size_t variable = 0;  // index of the variable
  std::span<std::byte> destination;  // exactly rows * Size bytes
};

// CorruptFile naming file, variable and file rank for a bad CRC, a cut-off file or a blosc frame
// that does not decode to the expected bytes. `io` decides by the bytes of the raw blocks read
// here (what this rank reads from this file) whether they go direct.
void read_blocks(SourceFile& source, std::span<const BlockRead> reads, IoMode io = IoMode::Buffered);

}  // namespace soastore::genericio
