// `soastore bench`: the command-line face of bench/ (workloads, baselines, the table).
#include <map>
#include <memory>

#include "bench/run_bench.hpp"
#include "commands.hpp"

namespace soastore::cli {

void add_bench_command(CLI::App& app) {
  auto options = std::make_shared<bench::BenchOptions>();
  CLI::App* command = app.add_subcommand(
      "bench", "Measure the stores against raw write()/read() and memcpy, print one table (under mpirun)");
  const std::map<std::string, bench::StoreChoice> stores{
      {"genericio", bench::StoreChoice::GenericIO}, {"numpy", bench::StoreChoice::Numpy}, {"both", bench::StoreChoice::Both}};
  command->add_option("--store", options->store, "Stores to measure: genericio, numpy or both")
      ->transform(CLI::CheckedTransformer(stores, CLI::ignore_case))
      ->capture_default_str();
  command->add_option("--sizes", options->sizes, "Catalog bytes per rank, e.g. 100M 1G (default 100M 1G; --quick 4M)")
      ->delimiter(',');
  command->add_option("--steps", options->steps, "Merger tree: steps (default 50; --quick 3)");
  command->add_option("--fields", options->fields, "Merger tree: fields per step (default 20; --quick 4)");
  command->add_option("--rows", options->rows, "Merger tree: rows per rank and field (default 100000; --quick 10000)");
  command->add_option("--reps", options->reps, "Repetitions of every measurement (default 5; --quick 2)");
  command->add_option("--latency-calls", options->latency_calls,
                      "Memory mode: timed calls per repetition (default 1000; --quick 50)");
  command->add_option("--dir", options->dir, "Scratch directory; a run-PID subdirectory is made and removed")
      ->capture_default_str();
  command->add_option("--workloads", options->workloads,
                      "Any of catalog, merger-tree, latency, budget (the memory budget: memory, disk and --budgets, "
                      "step by step with fresh data; not in the default list)")
      ->delimiter(',')
      ->check(CLI::IsMember({"catalog", "merger-tree", "latency", "budget"}))
      ->capture_default_str();
  command->add_flag("--fsync", options->fsync, "The raw baseline calls fsync() before close()");
  command->add_flag("--quick", options->quick, "Small sizes and few repetitions: checks that it runs (CI)");
  command->add_option("--contenders", options->contenders,
                      "Store contenders instead of --store's, each a store and options by name, e.g. "
                      "\"GenericIOStore\" \"NumpyStore keep_files=false\" (options: " +
                          bench::store_option_names() + ")");
  command->add_option("--store-options", options->store_options,
                      "Store options for --store's contenders, e.g. \"keep_files=false\" (a bare name means true)");
  command->add_option("--compute", options->compute,
                      "Merger tree: seconds of busy CPU after each set (a compute phase); adds the time in set() alone");
  command->add_option("--budgets", options->budgets,
                      "Budget workload: memory_budget values in percent of the data per rank")
      ->delimiter(',')
      ->capture_default_str();
  command->add_option("--plot", options->plot,
                      "Budget workload: draw the bytes in memory and on disk over the steps into this PNG (and "
                      "write them to the same name .csv); needs python3-matplotlib");
  command->add_option("--memory-limit", options->memory_limit,
                      "Memory-limited mode, run WITHOUT mpirun: the merger tree on --ranks ranks in a cgroup v1 memory "
                      "group of this limit (e.g. 3G; defaults 50x20x675000 per rank, --quick 6x4x1000000, 1 rep) "
                      "against an O_DIRECT baseline");
  command->add_option("--ranks", options->ranks, "Memory-limited mode: ranks of the MPI job it starts")
      ->capture_default_str();
  command->add_option("--mpiexec", options->mpiexec, "Memory-limited mode: the command that starts the MPI job")
      ->capture_default_str();
  command->add_option("--cgroup-parent", options->cgroup_parent,
                      "Memory-limited mode: where the memory group is made (a cgroup v1 memory directory)")
      ->capture_default_str();
  // Set by the memory-limited mode for the job it starts: the ranks run inside this group.
  command->add_option("--memory-group", options->memory_group)->group("");
  command->callback([options] {
    const int status = bench::run_bench(*options);
    if (status != 0) throw CLI::RuntimeError(status);
  });
}

}  // namespace soastore::cli
