// Workload (4): the memory budget (docs/budget.md). The merger-tree pattern as the pipeline runs
// it, step by step with a fresh SoA per step that the caller drops after its set, once per store
// with every value in memory (no path), every value on disk (no budget), and budgets of a given
// share of the data per rank. Per contender: the time in the store's calls, the peak resident
// memory per rank, what went to disk, and the bytes held in memory and on disk after every set
// (summed over ranks) for the plot (bench/plot_budget.py).
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>

#include "bench/data.hpp"
#include "bench/memory_probe.hpp"
#include "bench/workloads.hpp"
#include "soastore/errors.hpp"
#include "soastore/genericio_store.hpp"
#include "soastore/numpy_store.hpp"

namespace soastore::bench {
namespace {

constexpr double kBudgetSlack = 64.0 * (1 << 20);  // peak <= budget + largest SoA + 64 MiB
constexpr double kMemoryModeTarget = 1.1;          // a budget >= the data: time <= 1.1 x memory mode

struct BudgetContender {
  std::string name;                 // "memory", "disk", "budget 25%"
  bool in_memory = false;           // no path
  std::optional<std::uint64_t> budget;  // bytes per rank
  int percent = 0;                  // of the data, for budgets
  std::optional<std::string> skipped;  // why it is not run
};

struct StepPoint {
  int step = 0;
  double in_memory = 0;  // bytes, all ranks
  double on_disk = 0;
};

struct BudgetResult {
  std::string store;
  BudgetContender contender;
  double seconds = 0;          // slowest rank's time in the store's calls
  double peak_resident = 0;    // max over ranks of peak RSS above the RSS at the start
  StoreStats stats;            // after the set phase, this rank (rank 0 prints)
  double written = 0;          // bytes written, all ranks
  std::vector<StepPoint> trace;
  std::string failure;
};

double max_over_ranks(double value, MPI_Comm comm) {
  MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_DOUBLE, MPI_MAX, comm);
  return value;
}
double sum_over_ranks(double value, MPI_Comm comm) {
  MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_DOUBLE, MPI_SUM, comm);
  return value;
}

template <class Store>
void run_pattern(Store& store, const ResolvedOptions& options, const Partition& partition, BudgetResult& result) {
  const MPI_Comm comm = partition.comm();
  double seconds = 0;
  const auto timed = [&](auto&& call) {
    const auto start = std::chrono::steady_clock::now();
    call();
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  reset_peak_memory();
  const double resident_at_start = static_cast<double>(resident_memory());
  for (int step = 0; step < options.steps; ++step) {
    // Fresh memory each step, as the pipeline's; made and dropped outside the timed calls.
    SoA data = make_step(options.fields, options.rows, static_cast<unsigned>(partition.rank() * 1000 + step));
    timed([&] { store.set(std::to_string(step), data); });
    data = SoA{};
    const StoreStats stats = store.stats();
    result.trace.push_back({step, sum_over_ranks(static_cast<double>(stats.bytes_in_memory), comm),
                            sum_over_ranks(static_cast<double>(stats.bytes_on_disk), comm)});
  }
  timed([&] { store.flush(); });
  result.stats = store.stats();
  for (int step = 0; step < options.steps; ++step) {
    for (int field = 0; field < options.fields; ++field) {
      timed([&] {
        const SoA one = store.get_field(std::to_string(step), step_field_name(field));
        if (one.size() != 1) throw Error("get_field returned " + std::to_string(one.size()) + " fields");
      });
    }
  }
  for (int step = 0; step < options.steps; ++step) timed([&] { store.remove(std::to_string(step)); });
  timed([&] { store.flush(); });
  result.seconds = max_over_ranks(seconds, comm);
  result.peak_resident = max_over_ranks(static_cast<double>(peak_memory()) - resident_at_start, comm);
  result.written = sum_over_ranks(static_cast<double>(store.stats().bytes_written), comm);
}

StoreOptions options_of(const StoreSpec& spec, const BudgetContender& contender) {
  StoreOptions options = spec.options;
  if (contender.budget) options.memory_budget = MemoryAmount::of_bytes(*contender.budget);
  return options;
}

BudgetResult run_one(const WorkloadContext& context, const StoreSpec& spec, const BudgetContender& contender) {
  BudgetResult result;
  result.store = spec.name;
  result.contender = contender;
  if (contender.skipped) return result;
  const std::optional<std::filesystem::path> path =
      contender.in_memory ? std::nullopt : std::optional(context.dir / "budget");
  try {
    if (spec.store == "GenericIOStore") {
      GenericIOStore store(context.partition, 1.0, path, options_of(spec, contender));
      run_pattern(store, context.options, context.partition, result);
    } else {
      NumpyStore store(context.partition, path, options_of(spec, contender));
      run_pattern(store, context.options, context.partition, result);
    }
  } catch (const Error& error) {
    result.failure = std::string("failed: ") + error.what();
  }
  return result;
}

std::vector<BudgetContender> contenders_for(const ResolvedOptions& options, int ranks) {
  const double data = static_cast<double>(step_nbytes(options.fields, options.rows)) * options.steps;
  const double soa = static_cast<double>(step_nbytes(options.fields, options.rows));
  // In a memory group, a contender that would hold more than the group allows per rank would be
  // OOM-killed with the whole job: it is listed as not run instead.
  const double allowed = options.memory_limit > 0 ? static_cast<double>(options.memory_limit) / ranks : -1;
  const auto too_much = [&](double held) -> std::optional<std::string> {
    if (allowed < 0 || held + 2 * soa <= allowed) return std::nullopt;
    return format_cell("not run: would hold %.0f MB per rank, above the group's ", (held + 2 * soa) / 1e6) +
           format_cell("%.0f MB per rank", allowed / 1e6);
  };
  std::vector<BudgetContender> list;
  list.push_back({"memory", true, std::nullopt, 0, too_much(data)});
  list.push_back({"disk", false, std::nullopt, 0, std::nullopt});
  for (const int percent : options.budgets) {
    const auto bytes = static_cast<std::uint64_t>(data * percent / 100.0);
    list.push_back({"budget " + std::to_string(percent) + "%", false, bytes, percent, too_much(static_cast<double>(bytes))});
  }
  return list;
}

const BudgetResult* find(const std::vector<BudgetResult>& results, const std::string& store, const std::string& name) {
  for (const BudgetResult& result : results) {
    if (result.store == store && result.contender.name == name && result.failure.empty() && !result.contender.skipped) {
      return &result;
    }
  }
  return nullptr;
}

std::string verdict_of(const BudgetResult& result, const std::vector<BudgetResult>& all, double soa, double data) {
  const BudgetContender& contender = result.contender;
  if (!contender.budget) return "";
  const auto word = [](bool met) { return std::string(met ? "met" : "MISSED"); };
  if (*contender.budget >= data) {
    const BudgetResult* memory = find(all, result.store, "memory");
    std::string text = "no file: " + word(result.written == 0);
    if (memory != nullptr) {
      text += format_cell(", time <=%.1f memory: ", kMemoryModeTarget) + format_cell("%.2f ", result.seconds / memory->seconds) +
              word(result.seconds <= kMemoryModeTarget * memory->seconds);
    }
    return text;
  }
  const double bound = static_cast<double>(*contender.budget) + soa + kBudgetSlack;
  std::string text = format_cell("peak <= budget+SoA+64MiB (%.0f MB): ", bound / 1e6) + word(result.peak_resident <= bound);
  if (const BudgetResult* disk = find(all, result.store, "disk")) {
    text += format_cell(", time <= disk: %.2f ", result.seconds / disk->seconds) + word(result.seconds <= disk->seconds);
  }
  return text;
}

void write_trace(const std::filesystem::path& file, const std::vector<BudgetResult>& results) {
  std::ofstream out(file);
  out << "store,contender,step,bytes_in_memory,bytes_on_disk\n";
  for (const BudgetResult& result : results) {
    for (const StepPoint& point : result.trace) {
      out << result.store << ',' << result.contender.name << ',' << point.step << ',' << point.in_memory << ','
          << point.on_disk << '\n';
    }
  }
  if (!out) throw IoError("cannot write the budget trace " + file.string());
}

}  // namespace

TextTable run_budget_workload(const WorkloadContext& context) {
  const ResolvedOptions& options = context.options;
  const int ranks = context.partition.nranks();
  const std::vector<BudgetContender> contenders = contenders_for(options, ranks);
  std::vector<BudgetResult> results;
  for (const StoreSpec& spec : options.stores) {
    for (const BudgetContender& contender : contenders) results.push_back(run_one(context, spec, contender));
  }
  const double soa = static_cast<double>(step_nbytes(options.fields, options.rows));
  const double data = soa * options.steps;

  TextTable table;
  table.headings = {"store", "contender", "budget/rank", "time s", "x memory", "x disk", "peak RSS/rank",
                    "spills", "written", "target"};
  table.numeric = {false, false, true, true, true, true, true, true, true, false};
  table.failure_column = 2;
  for (const BudgetResult& result : results) {
    const BudgetContender& contender = result.contender;
    std::vector<std::string> line = {result.store, contender.name};
    const bool failed = contender.skipped || !result.failure.empty();
    if (failed) {
      line.push_back(contender.skipped ? *contender.skipped : result.failure);
      table.lines.push_back(std::move(line));
      table.failed.push_back(true);
      continue;
    }
    const BudgetResult* memory = find(results, result.store, "memory");
    const BudgetResult* disk = find(results, result.store, "disk");
    line.push_back(contender.budget ? format_cell("%.0f MB", static_cast<double>(*contender.budget) / 1e6) : "");
    line.push_back(format_cell("%.2f", result.seconds));
    line.push_back(memory ? format_cell("%.2f", result.seconds / memory->seconds) : "");
    line.push_back(disk ? format_cell("%.2f", result.seconds / disk->seconds) : "");
    line.push_back(format_cell("%.0f MB", result.peak_resident / 1e6));
    line.push_back(format_cell("%.0f", static_cast<double>(result.stats.spills)));
    line.push_back(format_cell("%.2f GB", result.written / 1e9));
    line.push_back(verdict_of(result, results, soa, data));
    table.lines.push_back(std::move(line));
    table.failed.push_back(false);
  }
  if (context.partition.rank() == 0 && !options.budget_trace.empty()) write_trace(options.budget_trace, results);
  return table;
}

}  // namespace soastore::bench
