#pragma once
// soastore::Partition: the MPI layout of a job, as mpipartition.Partition describes it: a periodic
// Cartesian decomposition of the unit cube over the ranks of a communicator.
//
// The partition duplicates the communicator it is given, so soastore's messages never mix with
// the caller's, and it never touches MPI_COMM_WORLD unless asked to. Copies share one duplicate.

#include <mpi.h>

#include <memory>
#include <span>
#include <vector>

namespace soastore {

class Partition {
 public:
  // Uses MPI_COMM_WORLD, initialising MPI when nobody did yet (and then finalising it at exit).
  explicit Partition(int dimensions = 3);
  // Uses (a duplicate of) `comm`; MPI must be initialised.
  explicit Partition(MPI_Comm comm, int dimensions = 3);

  [[nodiscard]] int rank() const noexcept;
  [[nodiscard]] int nranks() const noexcept;
  // The periodic Cartesian communicator (a duplicate owned by the partition).
  [[nodiscard]] MPI_Comm comm() const noexcept;
  [[nodiscard]] int dimensions() const noexcept;
  // Ranks along each dimension, from MPI_Dims_create.
  [[nodiscard]] const std::vector<int>& decomposition() const noexcept;
  // This rank's position in the decomposition.
  [[nodiscard]] const std::vector<int>& coordinates() const noexcept;
  // This rank's subvolume of the unit cube: origin[i] = coordinates[i] / decomposition[i].
  [[nodiscard]] std::vector<double> origin() const;
  [[nodiscard]] std::vector<double> extent() const;
  // Rank of the neighbour at coordinates + offsets (periodic); offsets.size() == dimensions().
  [[nodiscard]] int neighbor(std::span<const int> offsets) const;

 private:
  struct State;
  std::shared_ptr<const State> state_;
};

}  // namespace soastore
