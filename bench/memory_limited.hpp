#pragma once
// `soastore bench --memory-limit 3G`: the merger-tree pattern where the data outgrows memory.
// Run without mpirun: this process (the parent) makes a cgroup v1 memory group with that limit
// under --cgroup-parent, starts `mpiexec -n RANKS soastore bench ... --memory-group GROUP` as
// a child placed in the group (so mpiexec, the ranks and every page they cache are charged to
// it), waits, prints the group's own figures for the whole job and removes the group, also when
// the job fails or is interrupted. The ranks (run_memory_limited_workload) reset and read the
// group's peak around each phase and print the table. Where no group can be made it says why and
// returns 0: the mode is not run, which is not a failure.

#include "bench/options.hpp"

namespace soastore::bench {

// The parent's side; returns the exit status (the job's, when it failed).
int run_memory_limited(const ResolvedOptions& resolved, const BenchOptions& options);

}  // namespace soastore::bench
