#pragma once
// What `soastore bench` measures. Fields left unset by the user take their defaults from
// resolve(): the full run, or a quick run that finishes in seconds (for CI) with --quick.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "bench/store_spec.hpp"

namespace soastore::bench {

enum class StoreChoice { GenericIO, Numpy, Both };

struct BenchOptions {
  StoreChoice store = StoreChoice::Both;
  std::optional<std::vector<std::string>> sizes;  // bytes per rank, "100M", "1G" (decimal units)
  std::optional<int> steps;                       // merger tree: snapshot steps
  std::optional<int> fields;                      // merger tree: fields per step
  std::optional<std::size_t> rows;                // merger tree: rows per rank and field
  std::optional<int> reps;                        // repetitions of every measurement
  std::optional<int> latency_calls;               // memory mode: timed calls per repetition
  std::filesystem::path dir = "/tmp/soastore-bench";
  std::vector<std::string> workloads = {"catalog", "merger-tree", "latency"};
  bool fsync = false;  // the raw baseline calls fsync before close (only fair if the stores do)
  bool quick = false;
  // The store contenders as specs (store_spec.hpp); unset: the default list, filtered by `store`,
  // each with `store_options`.
  std::optional<std::vector<std::string>> contenders;
  std::string store_options;  // "name=value ..." for the default store contenders
  std::optional<double> compute;  // merger tree: seconds of busy CPU after each set (0: none)
  std::vector<int> budgets = {25, 50, 100};  // budget workload: budgets in percent of the data per rank
  std::optional<std::filesystem::path> plot;  // budget workload: draw the bytes held over the steps

  // Memory-limited mode (bench/memory_limited.hpp): the merger tree in a memory group of this limit.
  std::optional<std::string> memory_limit;  // "3G"; set: the mode runs instead of the workloads
  int ranks = 2;                            // the MPI job the mode starts
  std::string mpiexec = "mpiexec";          // how it starts it (words split at blanks)
  std::filesystem::path cgroup_parent = "/sys/fs/cgroup/memory";
  std::optional<std::filesystem::path> memory_group;  // set by the mode for the job it starts
};

// BenchOptions with every default filled in and sizes parsed.
struct ResolvedOptions {
  std::vector<std::size_t> sizes;
  int steps = 0;
  int fields = 0;
  std::size_t rows = 0;
  int reps = 0;
  int latency_calls = 0;
  std::filesystem::path dir;
  std::vector<std::string> workloads;
  bool fsync = false;
  std::vector<StoreSpec> stores;  // the store contenders, in table order
  double compute_seconds = 0;
  std::vector<int> budgets;                   // percent of the data per rank
  std::filesystem::path budget_trace;         // CSV of the bytes held per step, or empty
  std::optional<std::filesystem::path> plot;  // PNG the trace is drawn into
  std::size_t memory_limit = 0;               // 0: not the memory-limited mode
  std::filesystem::path memory_group;         // inside the mode's job: the group it runs in
};

[[nodiscard]] ResolvedOptions resolve(const BenchOptions& options);
// "100M" -> 100'000'000; suffixes K, M, G (powers of 1000) or none (bytes). InvalidData otherwise.
[[nodiscard]] std::size_t parse_size(const std::string& text);
// 100'000'000 -> "100 MB".
[[nodiscard]] std::string format_size(std::size_t bytes);

}  // namespace soastore::bench
