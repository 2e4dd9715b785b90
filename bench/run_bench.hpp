#pragma once
// `soastore bench`: runs the chosen workloads on every rank of MPI_COMM_WORLD and prints one
// table on rank 0.

#include "bench/options.hpp"

namespace soastore::bench {

// Returns the process exit status (0: the table was printed).
int run_bench(const BenchOptions& options);

}  // namespace soastore::bench
