#pragma once
// The three workloads of `soastore bench`; each returns its rows of the table.

#include <cstddef>
#include <filesystem>
#include <vector>

#include "bench/options.hpp"
#include "bench/table.hpp"
#include "soastore/partition.hpp"

namespace soastore::bench {

struct WorkloadContext {
  const Partition& partition;
  const ResolvedOptions& options;
  std::filesystem::path dir;  // the scratch directory all files go into
};

// (1) One catalog of `bytes_per_rank`: set, get, get_field of one column, pop; both stores
// against raw write()/read() and memcpy.
[[nodiscard]] std::vector<Row> run_catalog_workload(const WorkloadContext& context, std::size_t bytes_per_rank);
// (2) The merger-tree pattern: every step set, every (step, field) read alone, every step removed.
[[nodiscard]] std::vector<Row> run_merger_tree_workload(const WorkloadContext& context);
// The memory-limited mode's table: the merger-tree pattern with the group's figures per phase
// (options.memory_group), the O_DIRECT and buffered raw baselines and the stores.
[[nodiscard]] TextTable run_memory_limited_workload(const WorkloadContext& context);
// (4) The memory budget: the merger tree step by step with fresh data per step, all in memory,
// all on disk and with budgets of options.budgets percent of the data per rank (docs/budget.md);
// writes the per-step bytes in memory and on disk to options.budget_trace when set.
[[nodiscard]] TextTable run_budget_workload(const WorkloadContext& context);
// (3) Memory mode: the latency of set and get for a small and a large SoA.
[[nodiscard]] std::vector<Row> run_latency_workload(const WorkloadContext& context);

}  // namespace soastore::bench
