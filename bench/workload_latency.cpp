// Workload (3): memory mode. A store without a temporary path keeps handles to the caller's
// arrays, so set and get cost bookkeeping only: the same for 40 kB as for 1 GB.
#include <algorithm>
#include <chrono>
#include <cstdio>

#include "bench/contenders.hpp"
#include "bench/data.hpp"
#include "bench/workloads.hpp"

namespace soastore::bench {
namespace {

constexpr double kLatencyTarget = 10e-6;
constexpr std::size_t kSmallBytes = 40'000;  // 1000 rows of the catalog

// Per-call seconds of every set and get of `contender`, local to this rank.
struct CallTimes {
  std::vector<double> set, get;
};

void time_calls(Contender& contender, const SoA& data, int calls, CallTimes& times) {
  using Clock = std::chrono::steady_clock;
  for (int call = 0; call < calls; ++call) {
    const auto start = Clock::now();
    contender.set("latency", data);
    const auto between = Clock::now();
    const SoA back = contender.get("latency");
    const auto end = Clock::now();
    times.set.push_back(std::chrono::duration<double>(between - start).count());
    times.get.push_back(std::chrono::duration<double>(end - between).count());
  }
  contender.remove("latency");
}

// The slowest rank's median, minimum and maximum.
Summary slowest_rank(std::vector<double> seconds, MPI_Comm comm) {
  Summary summary = summarize(std::move(seconds));
  double values[3] = {summary.median, summary.min, summary.max};
  MPI_Allreduce(MPI_IN_PLACE, values, 3, MPI_DOUBLE, MPI_MAX, comm);
  return {values[0], values[1], values[2]};
}

}  // namespace

std::vector<Row> run_latency_workload(const WorkloadContext& context) {
  const ResolvedOptions& options = context.options;
  const unsigned seed = static_cast<unsigned>(context.partition.rank());
  const std::size_t large_bytes = *std::max_element(options.sizes.begin(), options.sizes.end());
  const SoA sizes[] = {make_catalog(kSmallBytes, seed), make_catalog(large_bytes, seed)};
  ContenderSet contenders = make_memory_contenders(context.partition, options);

  std::vector<std::vector<CallTimes>> times(contenders.available.size(), std::vector<CallTimes>(std::size(sizes)));
  for (int rep = 0; rep < options.reps; ++rep) {
    for (Contender* contender : running_order(contenders, rep)) {
      std::size_t index = 0;
      while (contenders.available[index].get() != contender) ++index;
      for (std::size_t size = 0; size < std::size(sizes); ++size) {
        time_calls(*contender, sizes[size], options.latency_calls, times[index][size]);
      }
    }
  }

  std::vector<Row> rows;
  for (std::size_t size = 0; size < std::size(sizes); ++size) {
    const std::string workload = "memory mode " + format_size(sizes[size].nbytes());
    for (std::size_t index = 0; index < contenders.available.size(); ++index) {
      const CallTimes& calls = times[index][size];
      for (const auto& [op, seconds] : {std::pair{"set", &calls.set}, std::pair{"get", &calls.get}}) {
        Row row;
        row.workload = workload;
        row.contender = contenders.available[index]->name();
        row.op = op;
        row.figure = Figure::Microseconds;
        row.nranks = context.partition.nranks();
        row.seconds = slowest_rank(*seconds, context.partition.comm());
        char text[64];
        std::snprintf(text, sizeof text, "<%.0f us: %s", kLatencyTarget * 1e6,
                      verdict(row.seconds.median < kLatencyTarget).c_str());
        row.target = text;
        rows.push_back(std::move(row));
      }
    }
    for (const Unavailable& missing : contenders.unavailable) {
      Row row;
      row.workload = workload;
      row.contender = missing.name;
      row.failure = "not run: " + missing.reason;
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

}  // namespace soastore::bench
