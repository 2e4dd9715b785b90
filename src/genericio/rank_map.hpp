#pragma once
// The rank-map file of a split GenericIO file, written as the reference writes it (serial; no MPI).
//
// Why it exists: a write whose ranks do not all share one partition (GenericIOStore's
// file_groups option: one sub-file per group of ranks) puts each partition's data into its own
// complete GenericIO file `name#P`, and the plain `name` becomes a small map that tells a reader
// which sub-file holds which world rank. Readers (ours, the reference, pygio) first probe `name`
// as a map: a 1-rank file with an int32 variable `$partition` (genericio/dataset.cpp); any other
// file is an ordinary one. Without the map nobody finds the sub-files.
//
// What the reference writes (GenericIO::write, world rank 0 alone, before the sub-files; docs
// genericio-format.md section 7; r4_split.gio of the shared vectors is such a map): a
// little-endian (the writer's byte order) 1-rank file, Dims 1x1x1, PhysOrigin and PhysScale 0,
// no block headers, its one rank header with Coords (0,0,0), GlobalRank 0 and NElems = the number
// of world ranks; int32 variables (flags 2: signed, no coordinate bits) in this order: `$rank`
// (0..N-1), `$partition` (each world rank's partition, the P of its sub-file `name#P`) and, only
// when the writing communicator is Cartesian, `$x`, `$y`, `$z` (each world rank's coordinates in
// its grid). Blocks follow the header as in any plain file (genericio/writer.hpp plan_layout),
// each with its CRC trailer. About 20 bytes per rank: 200 kB for 10k ranks, so rank 0 builds it
// in memory and writes it buffered in one call, whatever the write's io mode (O_DIRECT would
// need block headers and 4 KiB padding, and the bytes would no longer be the reference's).

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

namespace soastore::genericio {

struct RankMap {
  // The partition of each world rank, in world rank order (the map has one row per entry); each
  // 0 or more. Ranks with the same number share a sub-file; the numbers need not be contiguous.
  std::vector<std::int32_t> partitions;
  // Whether the writing communicator is Cartesian (mpi::RankGrid::cartesian): then the map has
  // the $x, $y, $z columns from `coords`, one entry per world rank, each inside `dims` (the
  // grid, used for nothing but checking the coordinates; the map's own Dims are 1x1x1).
  // Otherwise `coords` must be empty.
  bool cartesian = false;
  std::array<std::uint64_t, 3> dims{1, 1, 1};
  std::vector<std::array<std::uint64_t, 3>> coords;
};

// The whole rank-map file, byte for byte as the reference writes it for `map` (header, its CRC
// trailer, every column with its trailer). InvalidData for a map that cannot be one: no ranks, a
// negative partition, coordinates for a non-Cartesian writer, a coordinate count other than the
// rank count, a coordinate outside the grid, or a grid that is not the ranks' (product of dims).
// The bytes depend on `map` alone, so a writer may encode once and write them for every file.
[[nodiscard]] std::vector<std::byte> encode_rank_map(const RankMap& map);

// What world rank 0 calls during a split write, alone: writes encode_rank_map(map) to `path`,
// creating the file or replacing what it held (its length becomes exactly the map's). InvalidData
// as encode_rank_map (before anything is created), IoError naming the path.
void write_rank_map(const std::filesystem::path& path, const RankMap& map);

}  // namespace soastore::genericio
