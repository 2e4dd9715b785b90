#pragma once
// Collective error agreement. Inside a collective operation one rank may fail (invalid data, a
// full disk, a corrupt block) while the others succeed; if the failing rank simply threw, the
// others would wait for it forever. Instead every rank runs its part, then all agree: if any rank
// failed, every rank throws the same error class with the message of the lowest failing rank.

#include <mpi.h>

#include <exception>
#include <functional>

namespace soastore::mpi {

// Runs `local_part` on this rank, then agrees with all ranks of `comm` on the outcome (one
// MPI_Allreduce when everyone succeeded). Rethrows the first failure on every rank.
void run_collectively(MPI_Comm comm, const std::function<void()>& local_part);

// Agrees on an outcome already captured (null: this rank succeeded).
void agree_on_error(MPI_Comm comm, const std::exception_ptr& local_error);

}  // namespace soastore::mpi
