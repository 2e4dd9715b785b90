#pragma once
// HACC GenericIO files, read and written by our own code (namespace soastore::genericio).
// Files are byte-compatible with the reference implementation: its tools and pygio read what we
// write, and we read what HACC writes (both byte orders, block headers, BLOSC blocks, split files).
// The format is described in docs/genericio.md.
//
// This header is the serial part of the API, with no MPI: the options of a write and a read, the
// header facts of a file (inspect) and its CRC check (verify). The collective write and read,
// which take an MPI communicator, are in soastore/genericio_mpi.hpp.

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "soastore/io_mode.hpp"
#include "soastore/soa.hpp"

namespace soastore::genericio {

// The variable flag bits a file stores (besides float and signed, which follow from the dtype).
enum VariableFlag : std::uint64_t {
  PhysCoordX = 4,
  PhysCoordY = 8,
  PhysCoordZ = 16,
  MaybePhysGhost = 32,
};

struct WriteOptions {
  std::array<double, 3> phys_origin{0.0, 0.0, 0.0};
  std::array<double, 3> phys_scale{0.0, 0.0, 0.0};
  // Extra flag bits (VariableFlag values or-ed) per variable name; others get none.
  std::map<std::string, std::uint64_t> variable_flags;
  // Block headers without compression (the reference's GENERICIO_FORCE_BLOCKS=1 layout).
  bool block_headers = false;
  // BLOSC-compress every block that blosc can make smaller (the others stay raw), as the
  // reference does with compression on; implies block headers. Costs a compressed copy per block.
  bool compress = false;
  // Every array must be 1-D (GenericIOStore's rule): a (rows, k) array is InvalidData. The check
  // rides on the write's first collective round instead of costing one of its own.
  bool one_dimensional = false;
  // Buffered (the default) writes the reference's exact bytes. Direct (and auto, from
  // kDirectIoThreshold bytes on the largest rank on) writes with O_DIRECT: then every block starts on a
  // 4 KiB boundary, which needs block headers (the reference reads each block at its block
  // header's Start; zero padding lies between blocks). Where the file system refuses O_DIRECT the
  // same layout is written buffered. Every rank must pass the same mode.
  IoMode io = IoMode::Buffered;
  // This rank's partition (0 or more), as the reference's GenericIO::setPartition. When the ranks
  // give different ones the file is split, as the reference splits it: `path` becomes a rank map
  // (which sub-file holds which rank) and the ranks of partition P write the complete GenericIO
  // file "path#P" together. Unset (the default): one file, and no round to agree on partitions.
  std::optional<std::int32_t> partition;
};

// What a read does when the file was written by another number of ranks than read it.
enum class Mismatch {
  Disallowed,    // the file's rank count (and dims, both Cartesian) must equal the reader's
  Redistribute,  // whole file ranks go to reader ranks in contiguous ranges, as the reference does
};

struct ReadOptions {
  Mismatch mismatch = Mismatch::Disallowed;
  // Buffered by default. Direct (and auto, when this rank reads at least kDirectIoThreshold bytes
  // of raw blocks from a file) reads with O_DIRECT, bypassing the page cache: straight into the
  // result arrays where they and the blocks share their 4 KiB alignment (files written with
  // io=direct and result arrays of 4 MiB or more), through an aligned bounce buffer otherwise.
  // Every CRC is checked as in a buffered read; BLOSC blocks are read buffered. Where the file
  // system refuses O_DIRECT the read is buffered, silently. Ranks may pass different modes.
  IoMode io = IoMode::Buffered;
};

struct VariableInfo {
  std::string name;
  DType dtype;                 // of one element (signedness included: uint16 stays uint16)
  std::size_t components = 1;  // Size / ElementSize: 3 for float[3], read back with shape (n, 3)
  std::uint64_t flags = 0;     // all stored flag bits (float 1, signed 2, VariableFlag bits)
};

struct RankInfo {
  std::array<std::uint64_t, 3> coords{};
  std::uint64_t rows = 0;
  std::uint64_t global_rank = 0;
  std::filesystem::path file;  // the (sub-)file holding this rank's data
};

struct FileInfo {
  std::filesystem::path path;
  bool big_endian = false;
  std::uint64_t total_rows = 0;
  std::array<std::uint64_t, 3> dims{};
  std::array<double, 3> phys_origin{};
  std::array<double, 3> phys_scale{};
  std::vector<VariableInfo> variables;
  std::vector<RankInfo> ranks;  // in global rank order (across sub-files for split files)
  bool block_headers = false;
  std::size_t compressed_blocks = 0;
  std::vector<std::filesystem::path> subfiles;  // "name#N" files of a split file; empty otherwise
};

// Header facts without reading data (serial; no MPI). CorruptFile when the header is not sound.
FileInfo inspect(const std::filesystem::path& path);

struct VerifyReport {
  std::vector<std::string> checked;   // files whose headers were read (rank map and sub-files)
  std::vector<std::string> problems;  // one message per bad header or block; empty when sound
  std::size_t blocks = 0;             // data blocks checked
};

// Checks every header CRC and every block CRC (and the CRC of every decompressed block) of every
// (sub-)file, serially, one block in memory at a time. Never throws for a bad file: what is
// wrong goes into `problems` (a file that cannot be opened at all is one problem).
VerifyReport verify(const std::filesystem::path& path);

}  // namespace soastore::genericio
