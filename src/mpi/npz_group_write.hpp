#pragma once
// The collective part of writing a group archive (npz/group_archive.hpp: the byte work, without
// MPI): the ranks of a file group learn where their members and directory entries go, and every
// rank of the store agrees on whether they all can write, in one round. The write itself
// (write_planned_share) is serial, so a store may run it on another thread, and its outcome is
// agreed by the caller (one more round: mpi::run_collectively, or a background store's settling).
//
// Why no gather: every rank needs only the sums of the extents before it and in all (an
// MPI_Iexscan and an MPI_Iallreduce of three numbers), never another rank's entries; each rank
// writes its own entries, the group's first rank the end records. O(1) data per rank and round.

#include <mpi.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>

#include "mpi/file_groups.hpp"
#include "npz/group_archive.hpp"
#include "soastore/soa.hpp"

namespace soastore::mpi {

// A rank's share of a group archive, placed: all that writing it needs, and no MPI.
struct PlannedShare {
  std::filesystem::path path;
  IoMode io = IoMode::Buffered;
  SoA soa;                              // the arrays the share writes from (handles, not copies)
  std::optional<npz::GroupShare> share;
};

// Collective over `store_comm` (every rank of the store; this rank's rank there names its
// members) and over `group` (the ranks of `path`). Each rank plans its share of `soa` (InvalidData
// for a field name an archive cannot hold), and the group's first rank then runs `prepare` (the
// store moves the old archive aside: no rank opens the path before this round is over). Then one
// round: the scan and the sum of the extents over the group, and the agreement over the store on
// what came before. Throws the agreed error on every rank, nothing written.
[[nodiscard]] std::shared_ptr<PlannedShare> plan_share(MPI_Comm store_comm, const FileGroup& group,
                                                       const std::filesystem::path& path, const SoA& soa,
                                                       const npz::WriteOptions& options,
                                                       const std::function<void()>& prepare);

// Writes the planned share (no MPI; the file's other writers are the group's ranks). Returns the
// layout of this rank's members, which reads use instead of the central directory.
[[nodiscard]] npz::ZipDirectory write_planned_share(PlannedShare& planned);

}  // namespace soastore::mpi
