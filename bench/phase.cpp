#include "bench/phase.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>

#include "bench/memory_group.hpp"
#include "bench/memory_probe.hpp"
#include "bench/scratch_dir.hpp"
#include "soastore/errors.hpp"

namespace soastore::bench {
namespace {

double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// The group's failures so far, its peak reset; -1 when the group cannot be read (the phase's
// figures are then left unknown rather than the run stopped on one rank alone).
std::int64_t reset_group_peak_and_count(const std::filesystem::path& group) {
  try {
    reset_group_peak(group);
    return read_group(group).failcnt;
  } catch (const Error&) {
    return -1;
  }
}

void read_group_phase(const std::filesystem::path& group, std::int64_t failures_before, PhaseSample& sample) {
  if (failures_before < 0) return;
  try {
    const GroupCounters after = read_group(group);
    sample.group_peak = after.max_usage;
    sample.group_failcnt = after.failcnt - failures_before;
  } catch (const Error&) {
  }
}

}  // namespace

PhaseSample measure_phase(const PhaseContext& context, const std::function<std::int64_t()>& body) {
  int rank = 0;
  MPI_Comm_rank(context.comm, &rank);
  MPI_Barrier(context.comm);
  const long files_before = rank == 0 ? count_files(context.dir) : 0;
  reset_peak_memory();
  const std::int64_t resident_before = resident_memory();
  const bool group = !context.memory_group.empty();
  std::int64_t failures_before = 0;
  if (group && rank == 0) failures_before = reset_group_peak_and_count(context.memory_group);
  MPI_Barrier(context.comm);

  const double cpu_start = process_cpu_seconds();
  const auto start = std::chrono::steady_clock::now();
  const std::int64_t returned = body();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double cpu_seconds = process_cpu_seconds() - cpu_start;

  std::int64_t peak = peak_memory();
  std::int64_t extra = peak - resident_before - returned;
  double cpu_seconds_all = cpu_seconds;
  MPI_Allreduce(MPI_IN_PLACE, &seconds, 1, MPI_DOUBLE, MPI_MAX, context.comm);
  MPI_Allreduce(MPI_IN_PLACE, &cpu_seconds, 1, MPI_DOUBLE, MPI_MAX, context.comm);
  MPI_Allreduce(MPI_IN_PLACE, &cpu_seconds_all, 1, MPI_DOUBLE, MPI_SUM, context.comm);
  MPI_Allreduce(MPI_IN_PLACE, &extra, 1, MPI_INT64_T, MPI_MAX, context.comm);
  MPI_Allreduce(MPI_IN_PLACE, &peak, 1, MPI_INT64_T, MPI_MAX, context.comm);
  // The reductions are a barrier: every rank has finished, so the directory holds all files.
  const long files_created = rank == 0 ? count_files(context.dir) - files_before : 0;
  PhaseSample sample{seconds, cpu_seconds, extra, files_created, peak, cpu_seconds_all};
  if (group) {
    if (rank == 0) read_group_phase(context.memory_group, failures_before, sample);
    // Rank 0 alone read the group: the others learn its figures, so every rank returns the same sample.
    std::int64_t figures[2] = {sample.group_peak, sample.group_failcnt};
    MPI_Bcast(figures, 2, MPI_INT64_T, 0, context.comm);
    sample.group_peak = figures[0];
    sample.group_failcnt = figures[1];
  }
  return sample;
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
    whole.cpu_seconds_all += phases[i].cpu_seconds_all;
    whole.group_peak = std::max(whole.group_peak, phases[i].group_peak);
    if (phases[i].group_failcnt >= 0) {
      whole.group_failcnt = std::max<std::int64_t>(whole.group_failcnt, 0) + phases[i].group_failcnt;
    }
  }
  return whole;
}

}  // namespace soastore::bench
