#include "soastore/partition.hpp"

#include <cstdlib>
#include <string>

#include "mpi/mpi_error.hpp"
#include "mpi/owned_comm.hpp"
#include "soastore/errors.hpp"

namespace soastore {
namespace {

void finalize_mpi_at_exit() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

// Initialises MPI for callers that did not (as mpipartition does through mpi4py).
void ensure_mpi_initialized() {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (initialized) return;
  int provided = 0;
  mpi::check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  std::atexit(finalize_mpi_at_exit);
}

}  // namespace

struct Partition::State {
  mpi::OwnedComm cartesian;
  int rank = 0;
  int nranks = 0;
  std::vector<int> decomposition;
  std::vector<int> coordinates;

  State(MPI_Comm parent, int dimensions) : decomposition(static_cast<std::size_t>(dimensions), 0),
                                           coordinates(static_cast<std::size_t>(dimensions), 0) {
    if (dimensions < 1) throw InvalidData("Partition needs at least one dimension, got " + std::to_string(dimensions));
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized) throw Error("Partition(comm): MPI is not initialised");
    mpi::check(MPI_Comm_size(parent, &nranks), "MPI_Comm_size");
    mpi::check(MPI_Dims_create(nranks, dimensions, decomposition.data()), "MPI_Dims_create");
    const std::vector<int> periodic(static_cast<std::size_t>(dimensions), 1);
    // No reordering: rank r of the partition is rank r of the caller's communicator, as users expect.
    mpi::check(MPI_Cart_create(parent, dimensions, decomposition.data(), periodic.data(), 0, &cartesian.comm),
               "MPI_Cart_create");
    mpi::check(MPI_Comm_rank(cartesian.comm, &rank), "MPI_Comm_rank");
    mpi::check(MPI_Cart_coords(cartesian.comm, rank, dimensions, coordinates.data()), "MPI_Cart_coords");
  }
};

Partition::Partition(int dimensions) {
  ensure_mpi_initialized();
  state_ = std::make_shared<const State>(MPI_COMM_WORLD, dimensions);
}

Partition::Partition(MPI_Comm comm, int dimensions) : state_(std::make_shared<const State>(comm, dimensions)) {}

int Partition::rank() const noexcept { return state_->rank; }
int Partition::nranks() const noexcept { return state_->nranks; }
MPI_Comm Partition::comm() const noexcept { return state_->cartesian.comm; }
int Partition::dimensions() const noexcept { return static_cast<int>(state_->decomposition.size()); }
const std::vector<int>& Partition::decomposition() const noexcept { return state_->decomposition; }
const std::vector<int>& Partition::coordinates() const noexcept { return state_->coordinates; }

std::vector<double> Partition::origin() const {
  std::vector<double> result;
  for (std::size_t i = 0; i < state_->decomposition.size(); ++i) {
    result.push_back(static_cast<double>(state_->coordinates[i]) / state_->decomposition[i]);
  }
  return result;
}

std::vector<double> Partition::extent() const {
  std::vector<double> result;
  for (int ranks_along : state_->decomposition) result.push_back(1.0 / ranks_along);
  return result;
}

int Partition::neighbor(std::span<const int> offsets) const {
  if (offsets.size() != state_->decomposition.size()) {
    throw InvalidData("Partition::neighbor: " + std::to_string(offsets.size()) + " offsets given for " +
                      std::to_string(state_->decomposition.size()) + " dimensions");
  }
  std::vector<int> target(state_->coordinates);
  for (std::size_t i = 0; i < target.size(); ++i) {
    const int n = state_->decomposition[i];
    target[i] = ((target[i] + offsets[i]) % n + n) % n;
  }
  int result = 0;
  mpi::check(MPI_Cart_rank(state_->cartesian.comm, target.data(), &result), "MPI_Cart_rank");
  return result;
}

}  // namespace soastore
