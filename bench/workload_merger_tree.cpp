// Workload (2): the merger-tree pattern. A pipeline stores every snapshot step, later reads each
// field of each step on its own, and finally drops them all; what matters is the whole pattern's
// time against the raw I/O of the same bytes.
#include <cstdio>

#include "bench/contenders.hpp"
#include "bench/data.hpp"
#include "bench/merger_tree.hpp"
#include "bench/results.hpp"
#include "bench/workloads.hpp"

namespace soastore::bench {
namespace {

constexpr double kPatternTarget = 1.2;  // total time <= 1.2 x the raw I/O time

// The pattern as the pipeline runs it, each operation over all steps one phase; the same SoA
// every step (its bytes are what is measured, not its values).
void run_pattern(Contender& contender, const SoA& step_data, int steps, const PhaseContext& phase, Results& results) {
  MergerTreePlan plan;
  plan.steps = steps;
  plan.data = [&](int) { return step_data; };
  plan.fields = step_data.names();
  plan.check = [](int, const std::string&, const SoA& one) {
    if (one.size() != 1) throw Error("get_field returned " + std::to_string(one.size()) + " fields, not 1");
  };
  const MergerTreeSample sample = run_merger_tree(contender, plan, phase);
  const std::string name = contender.name();
  results.add(name, "set all", sample.set);
  results.add(name, "get_field all", sample.get_field);
  results.add(name, "remove all", sample.remove);
  results.add(name, "total", in_sequence({sample.set, sample.get_field, sample.remove}));
}

}  // namespace

std::vector<Row> run_merger_tree_workload(const WorkloadContext& context) {
  const ResolvedOptions& options = context.options;
  const SoA step_data = make_step(options.fields, options.rows, static_cast<unsigned>(context.partition.rank()));
  ContenderSet contenders = make_disk_contenders(context.partition, options, context.dir, true);
  Results results;
  for (const Unavailable& missing : contenders.unavailable) results.fail(missing.name, "not run: " + missing.reason);

  const PhaseContext phase{context.partition.comm(), context.dir};
  for (int rep = 0; rep < options.reps; ++rep) {
    for (Contender* contender : running_order(contenders, rep)) {
      if (results.failed(contender->name())) continue;
      try {
        run_pattern(*contender, step_data, options.steps, phase, results);
      } catch (const Error& error) {
        results.fail(contender->name(), std::string("failed: ") + error.what());
      }
    }
  }

  char label[96];
  std::snprintf(label, sizeof label, "merger tree %dx%dx%zu", options.steps, options.fields, options.rows);
  const double stored = static_cast<double>(step_data.nbytes()) * options.steps;
  struct Op {
    const char* name;
    double bytes;
  };
  const Op ops[] = {{"set all", stored}, {"get_field all", stored}, {"remove all", 0}, {"total", 2 * stored}};
  std::vector<Row> rows;
  for (const std::string& name : listing_order(contenders)) {
    for (const Op& op : ops) {
      const Figure figure = op.bytes > 0 ? Figure::Throughput : Figure::Milliseconds;
      Row row = results.row(label, name, op.name, figure, op.bytes, context.partition.nranks());
      row.vs_raw = results.speedup(name, op.name, kRaw, op.name);
      row.vs_raw_cpu = results.cpu_speedup(name, op.name, kRaw, op.name);
      if (row.figure == Figure::Throughput) row.vs_memcpy = results.speedup(name, op.name, kMemcpy, op.name);
      const bool store = name == kGenericIO || name == kNumpy;
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

}  // namespace soastore::bench
