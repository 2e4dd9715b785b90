#include "bench/run_bench.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstdio>
#include <ctime>
#include <string>

#include "bench/memory_limited.hpp"
#include "bench/memory_probe.hpp"
#include "bench/scratch_dir.hpp"
#include "bench/workloads.hpp"
#include "soastore/partition.hpp"

namespace soastore::bench {
namespace {

bool wants(const ResolvedOptions& options, const char* workload) {
  return std::find(options.workloads.begin(), options.workloads.end(), workload) != options.workloads.end();
}

// The load average tells how much of the machine other processes used during the run.
std::string load_average() {
  double load[3] = {0, 0, 0};
  if (getloadavg(load, 3) < 0) return "?";
  char text[64];
  std::snprintf(text, sizeof text, "%.1f %.1f %.1f", load[0], load[1], load[2]);
  return text;
}

// Where and when: ranks, host, load, the scratch directory and the repetitions.
void print_machine(const Partition& partition, const ResolvedOptions& options, const std::filesystem::path& dir,
                   const std::string& load_at_start) {
  char host[256] = "?";
  gethostname(host, sizeof host - 1);
  char when[32];
  const std::time_t now = std::time(nullptr);
  std::strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  std::printf("soastore bench: %d ranks on %s (%ld cores; load average %s at start, %s at end), %s\n",
              partition.nranks(), host, sysconf(_SC_NPROCESSORS_ONLN), load_at_start.c_str(), load_average().c_str(),
              when);
  std::printf("files in %s (%s); %d repetitions, contenders in rotated order each repetition\n",
              dir.string().c_str(), file_system_type(dir).c_str(), options.reps);
}

void print_header(const Partition& partition, const ResolvedOptions& options, const std::filesystem::path& dir,
                  const std::string& load_at_start) {
  print_machine(partition, options, dir, load_at_start);
  std::printf("raw baseline: the same bytes write() into one file per rank, %s, close() (page cache); "
              "read() into fresh arrays\n",
              options.fsync ? "fsync()" : "no fsync");
  std::printf("per rank: GB/s (1e9 B/s) of the slowest rank, median [min-max] over repetitions; aggregate: all ranks' "
              "bytes / median time\n");
  std::printf("x raw, x memcpy: throughput / baseline's for the same op, median of per-repetition ratios; x raw cpu: "
              "the same for user+system CPU time\nextra MiB: peak RSS above data held and returned%s\n\n",
              reset_peak_memory() ? "" : " (VmHWM could not be reset: lifetime peak)");
}

void print_memory_limited_header(const Partition& partition, const ResolvedOptions& options,
                                 const std::filesystem::path& dir, const std::string& load_at_start) {
  print_machine(partition, options, dir, load_at_start);
  std::printf("all ranks in memory group %s (limit %s): page cache is charged to it\n",
              options.memory_group.c_str(), format_size(options.memory_limit).c_str());
  std::printf("raw O_DIRECT: each rank's bytes through a 4 KiB-aligned buffer in 16 MiB O_DIRECT requests, read back "
              "likewise; raw write/read: plain write()/read() (page cache), no fsync\n");
  std::printf("total, write: all ranks' bytes / median time [range] of the whole pattern (set all, get_field all, "
              "remove all; 2x the data) and of set all; write cpu s: user+system CPU seconds of all ranks in set all\n");
  std::printf("write peak, peak: the group's max_usage during set all and during the pattern (page cache included, "
              "largest over repetitions); failcnt: charges that hit the limit, median\n");
  std::printf("x direct, x direct write: throughput / raw O_DIRECT's for the pattern and for set all, median of "
              "per-repetition ratios\n");
  if (options.compute_seconds > 0) {
    std::printf("compute: %.3f s (wall time) of busy CPU after each set, inside set all (write cpu s includes its "
                "CPU); set calls s: the slowest rank's time inside set() alone, compute s: the pattern's compute time\n",
                options.compute_seconds);
  }
  std::printf("\n");
}

void print_budget_header(const ResolvedOptions& options) {
  std::printf("\nmemory budget: merger tree %dx%dx%zu per rank, step by step, a fresh SoA per step dropped after its "
              "set; memory: no path; disk: no budget; budget N%%: memory_budget = N%% of the data per rank\n",
              options.steps, options.fields, options.rows);
  std::printf("time s: the slowest rank's seconds inside the store's calls (set, flush, get_field, remove); peak "
              "RSS/rank: the largest rank's peak resident memory above its start; written: bytes all ranks wrote\n\n");
}

// Rank 0 draws the trace the budget workload wrote (bench/plot_budget.py).
int draw_budget_plot(const ResolvedOptions& options) {
  if (!options.plot) return 0;
  const std::string command = std::string(SOASTORE_PYTHON) + " " SOASTORE_PLOT_BUDGET " '" +
                              options.budget_trace.string() + "' '" + options.plot->string() + "'";
  const int status = std::system(command.c_str());
  if (status != 0) std::fprintf(stderr, "soastore bench: drawing the plot failed: %s\n", command.c_str());
  return status == 0 ? 0 : 1;
}

int run_budget(const Partition& partition, const WorkloadContext& context) {
  const TextTable table = run_budget_workload(context);
  if (partition.rank() != 0) return 0;
  print_budget_header(context.options);
  print_text_table(stdout, table);
  std::fflush(stdout);
  return draw_budget_plot(context.options);
}

// Inside the memory-limited mode's job: the pattern in the group, and its table (or the budget
// workload's, when asked for).
int run_in_memory_group(const ResolvedOptions& resolved) {
  const std::string load_at_start = load_average();
  Partition partition;
  ScratchDir scratch(resolved.dir, partition.comm());
  const WorkloadContext context{partition, resolved, scratch.path()};
  if (wants(resolved, "budget")) {
    if (partition.rank() == 0) print_memory_limited_header(partition, resolved, scratch.path(), load_at_start);
    return run_budget(partition, context);
  }
  const TextTable table = run_memory_limited_workload(context);
  if (partition.rank() == 0) {
    print_memory_limited_header(partition, resolved, scratch.path(), load_at_start);
    print_text_table(stdout, table);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace

int run_bench(const BenchOptions& options) {
  const ResolvedOptions resolved = resolve(options);
  if (resolved.memory_limit > 0) {
    return resolved.memory_group.empty() ? run_memory_limited(resolved, options) : run_in_memory_group(resolved);
  }
  const std::string load_at_start = load_average();
  Partition partition;
  ScratchDir scratch(resolved.dir, partition.comm());
  const WorkloadContext context{partition, resolved, scratch.path()};

  std::vector<Row> rows;
  const auto append = [&](std::vector<Row> more) { rows.insert(rows.end(), more.begin(), more.end()); };
  if (wants(resolved, "catalog")) {
    for (const std::size_t size : resolved.sizes) append(run_catalog_workload(context, size));
  }
  if (wants(resolved, "merger-tree")) append(run_merger_tree_workload(context));
  if (wants(resolved, "latency")) append(run_latency_workload(context));

  if (partition.rank() == 0 && !rows.empty()) {
    print_header(partition, resolved, scratch.path(), load_at_start);
    print_table(stdout, rows);
    std::fflush(stdout);
  }
  return wants(resolved, "budget") ? run_budget(partition, context) : 0;
}

}  // namespace soastore::bench
