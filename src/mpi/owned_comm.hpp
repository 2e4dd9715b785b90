#pragma once
// A communicator that soastore made (a duplicate, a split) and frees when its owner goes:
// unless MPI was finalised first (a store or partition that outlives MPI_Finalize, which
// Python's interpreter shutdown can arrange), when freeing it is no longer allowed.

#include <mpi.h>

namespace soastore::mpi {

class OwnedComm {
 public:
  OwnedComm() = default;
  ~OwnedComm() {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized && comm != MPI_COMM_NULL) MPI_Comm_free(&comm);
  }
  OwnedComm(const OwnedComm&) = delete;
  OwnedComm& operator=(const OwnedComm&) = delete;

  MPI_Comm comm = MPI_COMM_NULL;
};

}  // namespace soastore::mpi
