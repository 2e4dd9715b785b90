#pragma once
// The ranks that share a file, as the file_groups option (soastore/options.hpp) groups them: a
// communicator per group, and the group's number, which names its file (a GenericIO sub-file
// "name#G", an npz archive "...group-G.npz"). Built once per store, collectively; every write of
// the store then runs its per-file exchange over the group's communicator only, so its cost
// follows the group's size, not the job's.

#include <mpi.h>

#include <memory>

namespace soastore::mpi {

// How to group (the option's "rank" is Consecutive with one rank per group).
enum class GroupBy { All, Node, Consecutive };

class FileGroup {
 public:
  // Collective over `comm`. For Consecutive, `ranks_per_group` (> 0) consecutive ranks form a
  // group. Groups are numbered 0, 1, ... in the order of their lowest rank; within a group, ranks
  // keep their order in `comm`.
  FileGroup(MPI_Comm comm, GroupBy by, int ranks_per_group = 1);

  // The group's ranks (for All, a duplicate of the whole communicator).
  [[nodiscard]] MPI_Comm comm() const noexcept;
  [[nodiscard]] int index() const noexcept;
  [[nodiscard]] int count() const noexcept;
  [[nodiscard]] int rank() const noexcept;  // in the group
  [[nodiscard]] int size() const noexcept;
  // One group of every rank: the file is an ordinary (unsplit) one.
  [[nodiscard]] bool whole() const noexcept { return count() == 1; }

 private:
  struct State;
  std::shared_ptr<const State> state_;
};

}  // namespace soastore::mpi
