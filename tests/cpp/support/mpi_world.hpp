#pragma once
// This process's place in MPI_COMM_WORLD, for tests that make data depend on the rank.

#include <mpi.h>

namespace soastore::testing {

inline int world_rank() {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

inline int world_size() {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size;
}

}  // namespace soastore::testing
