#include "mpi/genericio_topology.hpp"

#include <string>

#include "mpi/mpi_error.hpp"
#include "soastore/errors.hpp"

namespace soastore::mpi {

RankGrid rank_grid(MPI_Comm comm) {
  RankGrid grid;
  int rank = 0, size = 0, topology = MPI_UNDEFINED;
  check(MPI_Comm_rank(comm, &rank), "MPI_Comm_rank");
  check(MPI_Comm_size(comm, &size), "MPI_Comm_size");
  check(MPI_Topo_test(comm, &topology), "MPI_Topo_test");
  if (topology != MPI_CART) {
    grid.dims = {static_cast<std::uint64_t>(size), 1, 1};
    grid.coords = {static_cast<std::uint64_t>(rank), 0, 0};
    return grid;
  }
  int ndims = 0;
  check(MPI_Cartdim_get(comm, &ndims), "MPI_Cartdim_get");
  if (ndims > 3) {
    throw InvalidData("GenericIO records at most 3 Cartesian dimensions; the communicator has " + std::to_string(ndims));
  }
  int dims[3] = {1, 1, 1}, periods[3] = {0, 0, 0}, coords[3] = {0, 0, 0};
  check(MPI_Cart_get(comm, ndims, dims, periods, coords), "MPI_Cart_get");
  grid.cartesian = true;
  for (int d = 0; d < 3; ++d) {
    grid.dims[d] = static_cast<std::uint64_t>(dims[d]);
    grid.coords[d] = static_cast<std::uint64_t>(coords[d]);
  }
  return grid;
}

}  // namespace soastore::mpi
