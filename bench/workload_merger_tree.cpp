// Workload (2): the merger-tree pattern. A pipeline stores every snapshot step, later reads each
// field of each step on its own, and finally drops them all; what matters is the whole pattern's
// time against the raw I/O of the same bytes.
#include <cstdio>

#include "bench/contenders.hpp"
#include "bench/data.hpp"
#include "bench/results.hpp"
#include "bench/workloads.hpp"

namespace soastore::bench {
namespace {

constexpr double kPatternTarget = 1.2;  // total time <= 1.2 x the raw I/O time

std::string step_key(int step) { return "step" + std::to_string(step); }

void run_pattern(Contender& contender, const SoA& step_data, int steps, const PhaseContext& phase, Results& results) {
  const std::string name = contender.name();
  const int fields = static_cast<int>(step_data.size());
  const PhaseSample set = measure_phase(phase, [&] {
    for (int step = 0; step < steps; ++step) contender.set(step_key(step), step_data);
    return std::int64_t{0};
  });
  const PhaseSample read = measure_phase(phase, [&] {
    for (int step = 0; step < steps; ++step) {
      for (int field = 0; field < fields; ++field) {
        const SoA one = contender.get_field(step_key(step), step_field_name(field));
        if (one.size() != 1) throw Error("get_field returned " + std::to_string(one.size()) + " fields, not 1");
      }
    }
    return std::int64_t{0};
  });
  const PhaseSample remove = measure_phase(phase, [&] {
    for (int step = 0; step < steps; ++step) contender.remove(step_key(step));
    return std::int64_t{0};
  });
  results.add(name, "set all", set);
  results.add(name, "get_field all", read);
  results.add(name, "remove all", remove);
  results.add(name, "total", {set.seconds + read.seconds + remove.seconds,
                              set.cpu_seconds + read.cpu_seconds + remove.cpu_seconds,
                              std::max({set.extra_memory, read.extra_memory, remove.extra_memory}),
                              set.files_created + read.files_created + remove.files_created});
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
