#pragma once
// genericio::write in two parts, for writers that run the data transfer elsewhere (the stores'
// background writes): plan_write is the collective part (every check, the exchange of rows,
// coordinates and block sizes, the error agreement, the layout), write_planned the serial rest
// (this rank's header and blocks, no MPI call), which may run on any thread.

#include <mpi.h>

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "genericio/rank_map.hpp"
#include "genericio/writer.hpp"
#include "soastore/genericio.hpp"
#include "soastore/soa.hpp"

namespace soastore::genericio {

// Everything one rank needs to write its part of a planned file. Holds handles to the caller's
// arrays (no copy; compressed blocks are copies), so the payloads stay valid for its lifetime.
struct PlannedWrite {
  SoA soa;
  std::filesystem::path path;
  Header own;                   // this rank's part of the layout (genericio/writer.hpp own_part_at)
  bool direct = false;          // blocks 4 KiB-aligned, written with O_DIRECT
  std::optional<Layout> whole;  // on the file's rank 0 only: the header it writes
  std::vector<Payload> payloads;  // point into `soa`
};

// Collective over `writers`, every rank of which writes some file: checks and plans the write of
// `soa` to `path`, the file this rank shares with the ranks of `file` (a sub-communicator of
// `writers` for the sub-files of a split file, or `writers` itself). One collective round (see
// genericio_write.cpp). `before_exchange`, if given, runs on this rank first, and its failure is
// this rank's failure of the plan (a store sets the old file aside there). Either every rank
// returns a plan or every rank throws the same error class; no file is touched yet. Rank
// coordinates come from `writers`' grid, and each rank's GlobalRank is its rank in `writers`.
[[nodiscard]] std::unique_ptr<const PlannedWrite> plan_write(MPI_Comm writers, MPI_Comm file,
                                                             const std::filesystem::path& path, const SoA& soa,
                                                             const WriteOptions& options,
                                                             const std::function<void()>& before_exchange);
// One file for all ranks of `comm`.
[[nodiscard]] std::unique_ptr<const PlannedWrite> plan_write(MPI_Comm comm, const std::filesystem::path& path,
                                                             const SoA& soa, const WriteOptions& options);

// This rank's part of a planned file (header on rank 0, then its blocks). No MPI call: another
// thread may run it. Throws this rank's error; agreeing on it is the caller's business.
void write_planned(const PlannedWrite& plan);

// Collective over `writers`: the rank map of a split file in which each rank's blocks are in
// sub-file `partition`, on rank 0 (which alone writes it, and alone holds O(ranks)); nothing on
// the other ranks. Coordinates from `writers`' grid, as the reference records them.
[[nodiscard]] std::optional<RankMap> gather_rank_map(MPI_Comm writers, std::int32_t partition);

// genericio::write, returning this rank's own part of the file's layout (own_part_at in
// genericio/writer.hpp), with which the writer reads its blocks back without the header.
[[nodiscard]] Header write_keeping_own_part(MPI_Comm comm, const std::filesystem::path& path, const SoA& soa,
                                            const WriteOptions& options);

}  // namespace soastore::genericio
