#include "bench/phase.hpp"

#include <sys/resource.h>

#include <chrono>

#include "bench/memory_probe.hpp"
#include "bench/scratch_dir.hpp"

namespace soastore::bench {
namespace {

double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace

PhaseSample measure_phase(const PhaseContext& context, const std::function<std::int64_t()>& body) {
  int rank = 0;
  MPI_Comm_rank(context.comm, &rank);
  MPI_Barrier(context.comm);
  const long files_before = rank == 0 ? count_files(context.dir) : 0;
  reset_peak_memory();
  const std::int64_t resident_before = resident_memory();
  MPI_Barrier(context.comm);

  const double cpu_start = process_cpu_seconds();
  const auto start = std::chrono::steady_clock::now();
  const std::int64_t returned = body();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double cpu_seconds = process_cpu_seconds() - cpu_start;

  std::int64_t extra = peak_memory() - resident_before - returned;
  MPI_Allreduce(MPI_IN_PLACE, &seconds, 1, MPI_DOUBLE, MPI_MAX, context.comm);
  MPI_Allreduce(MPI_IN_PLACE, &cpu_seconds, 1, MPI_DOUBLE, MPI_MAX, context.comm);
  MPI_Allreduce(MPI_IN_PLACE, &extra, 1, MPI_INT64_T, MPI_MAX, context.comm);
  // The reductions are a barrier: every rank has finished, so the directory holds all files.
  const long files_created = rank == 0 ? count_files(context.dir) - files_before : 0;
  return {seconds, cpu_seconds, extra, files_created};
}

}  // namespace soastore::bench
