#pragma once
// The rank grid GenericIO records: Dims and Coords from a Cartesian communicator (padded to three
// dimensions), or (nranks,1,1) and (rank,0,0) otherwise, as the reference does.

#include <mpi.h>

#include <array>
#include <cstdint>

namespace soastore::mpi {

struct RankGrid {
  bool cartesian = false;
  std::array<std::uint64_t, 3> dims{1, 1, 1};
  std::array<std::uint64_t, 3> coords{};
};

// InvalidData for a Cartesian communicator of more than three dimensions (the format has three).
RankGrid rank_grid(MPI_Comm comm);

}  // namespace soastore::mpi
