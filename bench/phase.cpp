#include "bench/phase.hpp"

#include <sys/resource.h>

#include <algorithm>
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

  std::int64_t peak = peak_memory();
  std::int64_t extra = peak - resident_before - returned;
  MPI_Allreduce(MPI_IN_PLACE, &seconds, 1, MPI_DOUBLE, MPI_MAX, context.comm);
  MPI_Allreduce(MPI_IN_PLACE, &cpu_seconds, 1, MPI_DOUBLE, MPI_MAX, context.comm);
  MPI_Allreduce(MPI_IN_PLACE, &extra, 1, MPI_INT64_T, MPI_MAX, context.comm);
  MPI_Allreduce(MPI_IN_PLACE, &peak, 1, MPI_INT64_T, MPI_MAX, context.comm);
  // The reductions are a barrier: every rank has finished, so the directory holds all files.
  const long files_created = rank == 0 ? count_files(context.dir) - files_before : 0;
  return {seconds, cpu_seconds, extra, files_created, peak};
}

PhaseSample in_sequence(const std::vector<PhaseSample>& phases) {
  if (phases.empty()) return {};
  // Memory starts from the first phase, not from 0: extra memory is negative for a phase that
  // hands back more than it allocated.
  PhaseSample whole = phases.front();
  for (std::size_t i = 1; i < phases.size(); ++i) {
    whole.seconds += phases[i].seconds;
    whole.cpu_seconds += phases[i].cpu_seconds;
    whole.extra_memory = std::max(whole.extra_memory, phases[i].extra_memory);
    whole.files_created += phases[i].files_created;
    whole.peak_resident = std::max(whole.peak_resident, phases[i].peak_resident);
  }
  return whole;
}

}  // namespace soastore::bench
