#pragma once
// One timed, collective phase of a benchmark: all ranks start together after a barrier, the
// phase lasts until the slowest rank is done (that is what an MPI job waits for), and its memory
// is the largest peak any rank reached above what it held before.

#include <mpi.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <vector>

namespace soastore::bench {

struct PhaseSample {
  double seconds = 0;             // slowest rank
  double cpu_seconds = 0;         // largest user+system CPU time of a rank: what the work costs when
                                  // other processes take the cores (wall time then includes waiting)
  std::int64_t extra_memory = 0;  // max over ranks of peak RSS - RSS before - bytes the phase returned
  long files_created = 0;         // files in the scratch directory after minus before (all ranks)
  std::int64_t peak_resident = 0;  // max over ranks of the peak RSS during the phase (the lifetime
                                   // peak where VmHWM cannot be reset)
  double cpu_seconds_all = 0;      // user+system CPU time of all ranks together
  // With a memory group (PhaseContext::memory_group): its peak usage during the phase (page cache
  // included) and how often a charge hit its limit during the phase; -1 without one.
  std::int64_t group_peak = -1;
  std::int64_t group_failcnt = -1;
};

struct PhaseContext {
  MPI_Comm comm;
  std::filesystem::path dir;  // counted before and after the phase
  // The cgroup v1 memory group the job runs in (bench/memory_group.hpp), or empty: rank 0 resets
  // its peak before the phase and reads it and the failures after.
  std::filesystem::path memory_group = {};
};

// Runs `body` on every rank; `body` returns the bytes it hands back to the caller (the result
// of a get), which are data, not overhead, and so not counted as extra memory.
PhaseSample measure_phase(const PhaseContext& context, const std::function<std::int64_t()>& body);

// Phases run one after another, as one phase: times, files and failures add up, memory is the largest.
[[nodiscard]] PhaseSample in_sequence(const std::vector<PhaseSample>& phases);

}  // namespace soastore::bench
