#pragma once
// Counts the collective MPI calls made in this executable, through the MPI profiling interface:
// mpi_call_counter.cpp defines MPI_Allreduce, MPI_Iallreduce, MPI_Bcast, MPI_Allgather and MPI_Barrier (the
// collectives src/ uses after a store is built), which take the place of the MPI library's and
// forward to PMPI_*.

#include <cstdint>

namespace soastore::testing {

// Collective calls so far, on this rank.
std::uint64_t collective_calls() noexcept;

}  // namespace soastore::testing
