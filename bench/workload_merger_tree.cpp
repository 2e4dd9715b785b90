// Workload (2): the merger-tree pattern. A pipeline stores every snapshot step, later reads each
// field of each step on its own, and finally drops them all; what matters is the whole pattern's
// time against the raw I/O of the same bytes. The memory-limited mode runs the same pattern in a
// memory group whose limit is below the data, against the O_DIRECT baseline, with its own table.
#include <chrono>
#include <cstdio>

#include "bench/contenders.hpp"
#include "bench/data.hpp"
#include "bench/merger_tree.hpp"
#include "bench/options.hpp"
#include "bench/results.hpp"
#include "bench/workloads.hpp"

namespace soastore::bench {
namespace {

constexpr double kPatternTarget = 1.2;  // total time <= 1.2 x the raw I/O time
constexpr const char* kSetCalls = "set calls";

// The compute phase between two sets: the CPU kept busy for `seconds` of wall time.
void busy_cpu(double seconds) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  volatile double sink = 1;
  while (std::chrono::steady_clock::now() < end) {
    for (int i = 0; i < 1000; ++i) sink = sink * 1.0000001 + 1e-9;
  }
}

// The pattern as the pipeline runs it, each operation over all steps one phase; the same SoA
// every step (its bytes are what is measured, not its values).
void run_pattern(Contender& contender, const SoA& step_data, const ResolvedOptions& options, const PhaseContext& phase,
                 Results& results) {
  MergerTreePlan plan;
  plan.steps = options.steps;
  plan.data = [&](int) { return step_data; };
  plan.fields = step_data.names();
  plan.check = [](int, const std::string&, const SoA& one) {
    if (one.size() != 1) throw Error("get_field returned " + std::to_string(one.size()) + " fields, not 1");
  };
  if (options.compute_seconds > 0) plan.after_set = [&](int) { busy_cpu(options.compute_seconds); };
  const MergerTreeSample sample = run_merger_tree(contender, plan, phase);
  const std::string name = contender.name();
  results.add(name, "set all", sample.set);
  results.add(name, "get_field all", sample.get_field);
  results.add(name, "remove all", sample.remove);
  results.add(name, "total", in_sequence({sample.set, sample.get_field, sample.remove}));
  PhaseSample calls;
  calls.seconds = sample.set_call_seconds;
  results.add(name, kSetCalls, calls);
}

// Every contender through the pattern, options.reps times in rotated order; a contender that
// throws is recorded as failed and not run again.
Results run_contenders(const WorkloadContext& context, const ContenderSet& contenders, const SoA& step_data,
                       const PhaseContext& phase) {
  Results results;
  for (const Unavailable& missing : contenders.unavailable) results.fail(missing.name, "not run: " + missing.reason);
  for (int rep = 0; rep < context.options.reps; ++rep) {
    for (Contender* contender : running_order(contenders, rep)) {
      if (results.failed(contender->name())) continue;
      try {
        run_pattern(*contender, step_data, context.options, phase, results);
      } catch (const Error& error) {
        results.fail(contender->name(), std::string("failed: ") + error.what());
      }
    }
  }
  return results;
}

std::string pattern_label(const ResolvedOptions& options) {
  char label[96];
  std::snprintf(label, sizeof label, "merger tree %dx%dx%zu", options.steps, options.fields, options.rows);
  return label;
}

SoA step_of_rank(const WorkloadContext& context) {
  return make_step(context.options.fields, context.options.rows, static_cast<unsigned>(context.partition.rank()));
}

}  // namespace

std::vector<Row> run_merger_tree_workload(const WorkloadContext& context) {
  const ResolvedOptions& options = context.options;
  const SoA step_data = step_of_rank(context);
  const ContenderSet contenders = make_disk_contenders(context.partition, options, context.dir, true);
  const Results results = run_contenders(context, contenders, step_data, {context.partition.comm(), context.dir});

  const std::string label = pattern_label(options);
  const double stored = static_cast<double>(step_data.nbytes()) * options.steps;
  struct Op {
    const char* name;
    double bytes;
  };
  std::vector<Op> ops = {{"set all", stored}, {"get_field all", stored}, {"remove all", 0}, {"total", 2 * stored}};
  // With a compute phase "set all" is sets and computing; "set calls" what the caller waited in set.
  if (options.compute_seconds > 0) ops.insert(ops.begin() + 1, {kSetCalls, stored});
  std::vector<Row> rows;
  for (const std::string& name : listing_order(contenders)) {
    for (const Op& op : ops) {
      const Figure figure = op.bytes > 0 ? Figure::Throughput : Figure::Milliseconds;
      Row row = results.row(label, name, op.name, figure, op.bytes, context.partition.nranks());
      row.vs_raw = results.speedup(name, op.name, kRaw, op.name);
      if (op.name != std::string(kSetCalls)) row.vs_raw_cpu = results.cpu_speedup(name, op.name, kRaw, op.name);
      if (row.figure == Figure::Throughput) row.vs_memcpy = results.speedup(name, op.name, kMemcpy, op.name);
      const bool store = is_store(name);
      if (store && row.failure.empty() && std::string(op.name) == "total" && row.vs_raw) {
        char text[64];
        std::snprintf(text, sizeof text, "time <=%.1f raw: %.2f %s", kPatternTarget, 1 / *row.vs_raw,
                      verdict(1 / *row.vs_raw <= kPatternTarget).c_str());
        row.target = text;
      }
      rows.push_back(std::move(row));
      if (!rows.back().failure.empty()) break;
    }
  }
  return rows;
}

TextTable run_memory_limited_workload(const WorkloadContext& context) {
  const ResolvedOptions& options = context.options;
  const SoA step_data = step_of_rank(context);
  const ContenderSet contenders = make_disk_contenders(context.partition, options, context.dir, false, true);
  const Results results =
      run_contenders(context, contenders, step_data, {context.partition.comm(), context.dir, options.memory_group});

  const bool compute = options.compute_seconds > 0;
  TextTable table;
  table.headings = {"workload", "contender", "total", "write", "write cpu s", "write peak", "peak", "failcnt write",
                    "failcnt", "x direct", "x direct write"};
  if (compute) table.headings.insert(table.headings.end(), {"set calls s", "compute s"});
  table.numeric.assign(table.headings.size(), true);
  table.numeric[0] = table.numeric[1] = false;
  table.failure_column = 2;

  const double stored = static_cast<double>(step_data.nbytes()) * options.steps * context.partition.nranks();
  const std::string label = pattern_label(options);
  // "1.25 GB/s [1.10-1.40]": median and range over repetitions (the range only with several).
  const auto rate = [&](double bytes, const Summary& seconds) {
    const auto gbs = [&](double time) { return time > 0 ? bytes / time / 1e9 : 0.0; };
    std::string cell = format_cell("%.2f GB/s", gbs(seconds.median));
    if (options.reps > 1) cell += format_cell(" [%.2f", gbs(seconds.max)) + format_cell("-%.2f]", gbs(seconds.min));
    return cell;
  };
  // One unit for all peaks, so that a column compares at a glance with the limit.
  const auto bytes = [](double value) { return value < 0 ? std::string("?") : format_cell("%.0f MB", value / 1e6); };
  const auto ratio = [](const std::optional<double>& value) { return value ? format_cell("%.2f", *value) : ""; };
  for (const std::string& name : listing_order(contenders)) {
    std::vector<std::string> line = {label, name};
    table.failed.push_back(results.failed(name));
    if (results.failed(name)) {
      line.push_back(results.row(label, name, "total", Figure::Throughput, 0, 1).failure);
      table.lines.push_back(std::move(line));
      continue;
    }
    const auto median = [&](const char* op, auto figure) { return results.summary(name, op, figure).median; };
    const auto most = [&](const char* op, auto figure) { return results.summary(name, op, figure).max; };
    const auto seconds = [](const PhaseSample& s) { return s.seconds; };
    const auto cpu_all = [](const PhaseSample& s) { return s.cpu_seconds_all; };
    const auto peak = [](const PhaseSample& s) { return static_cast<double>(s.group_peak); };
    const auto failures = [](const PhaseSample& s) { return static_cast<double>(s.group_failcnt); };
    const auto count = [](double value) { return value < 0 ? std::string("?") : format_cell("%.0f", value); };
    line.push_back(rate(2 * stored, results.summary(name, "total", seconds)));
    line.push_back(rate(stored, results.summary(name, "set all", seconds)));
    line.push_back(format_cell("%.2f", median("set all", cpu_all)));
    line.push_back(bytes(most("set all", peak)));
    line.push_back(bytes(most("total", peak)));
    line.push_back(count(median("set all", failures)));
    line.push_back(count(median("total", failures)));
    line.push_back(ratio(results.speedup(name, "total", kRawDirect, "total")));
    line.push_back(ratio(results.speedup(name, "set all", kRawDirect, "set all")));
    if (compute) {
      line.push_back(format_cell("%.2f", median(kSetCalls, seconds)));
      line.push_back(format_cell("%.2f", options.compute_seconds * options.steps));
    }
    table.lines.push_back(std::move(line));
  }
  return table;
}

}  // namespace soastore::bench
