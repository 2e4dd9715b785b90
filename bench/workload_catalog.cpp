// Workload (1): one catalog, every single-key operation, both stores against the baselines.
#include <cstdio>

#include "bench/contenders.hpp"
#include "bench/data.hpp"
#include "bench/results.hpp"
#include "bench/workloads.hpp"

namespace soastore::bench {
namespace {

constexpr const char* kKey = "catalog";
constexpr double kSpeedTarget = 0.9;
constexpr double kExtraMemoryTarget = 64;  // MiB

// Runs set, get, get_field and pop once; checks (outside the timing) that what comes back is
// what went in, so a fast but wrong store cannot win.
void run_sequence(Contender& contender, const SoA& data, const PhaseContext& phase, Results& results) {
  const std::string name = contender.name();
  SoA result;
  const auto keep = [&](SoA soa) {
    result = std::move(soa);
    return static_cast<std::int64_t>(result.nbytes());
  };
  const auto check = [&](const char* op, bool correct) {
    // Every rank throws or none does, so no rank waits alone in the next phase's barrier.
    int all_correct = correct ? 1 : 0;
    MPI_Allreduce(MPI_IN_PLACE, &all_correct, 1, MPI_INT, MPI_MIN, phase.comm);
    if (all_correct == 0) throw Error(std::string(op) + " returned other data than was set (on some rank)");
    result = SoA();
  };
  const auto same_as_data = [&] {
    if (result.size() != data.size()) return false;
    for (const auto& [field, array] : data) {
      if (!result.contains(field) || !equal(result.at(field), array)) return false;
    }
    return true;
  };

  results.add(name, "set", measure_phase(phase, [&] {
                contender.set(kKey, data);
                return std::int64_t{0};
              }));
  results.add(name, "get", measure_phase(phase, [&] { return keep(contender.get(kKey)); }));
  check("get", same_as_data());
  results.add(name, "get_field", measure_phase(phase, [&] { return keep(contender.get_field(kKey, kCatalogField)); }));
  check("get_field", result.size() == 1 && equal(result.at(kCatalogField), data.at(kCatalogField)));
  results.add(name, "pop", measure_phase(phase, [&] { return keep(contender.pop(kKey)); }));
  check("pop", same_as_data());
}

std::string speed_and_memory_target(const Results& results, const std::string& name, const std::string& op,
                                    const Row& row) {
  std::string target;
  if (op == "set" || op == "get") {
    const auto ratio = results.speedup(name, op, kRaw, op);
    char text[64];
    std::snprintf(text, sizeof text, ">=%.1f raw: %s", kSpeedTarget, verdict(ratio && *ratio >= kSpeedTarget).c_str());
    target = text;
  }
  if (op == "get_field") {
    const double limit = 2.0 / static_cast<double>(kCatalogColumns);
    const auto ratio = results.time_ratio(name, op, "get");
    char text[64];
    std::snprintf(text, sizeof text, "<=2/F=%.2f of get: %.2f %s", limit, ratio.value_or(0),
                  verdict(ratio && *ratio <= limit).c_str());
    target = text;
  }
  if (row.extra_mib) {
    target += std::string(target.empty() ? "" : "; ") + "mem: " + verdict(*row.extra_mib <= kExtraMemoryTarget);
  }
  return target;
}

}  // namespace

std::vector<Row> run_catalog_workload(const WorkloadContext& context, std::size_t bytes_per_rank) {
  const MPI_Comm comm = context.partition.comm();
  const SoA data = make_catalog(bytes_per_rank, static_cast<unsigned>(context.partition.rank()));
  // With the O_DIRECT baseline too: the device's limit, which large sets are measured against.
  ContenderSet contenders = make_disk_contenders(context.partition, context.options, context.dir, true, true);
  Results results;
  for (const Unavailable& missing : contenders.unavailable) results.fail(missing.name, "not run: " + missing.reason);

  const PhaseContext phase{comm, context.dir};
  for (int rep = 0; rep < context.options.reps; ++rep) {
    for (Contender* contender : running_order(contenders, rep)) {
      if (results.failed(contender->name())) continue;
      try {
        run_sequence(*contender, data, phase, results);
      } catch (const Error& error) {
        results.fail(contender->name(), std::string("failed: ") + error.what());
      }
    }
  }

  const std::string workload = "catalog " + format_size(data.nbytes());
  const double column_bytes = static_cast<double>(data.at(kCatalogField).nbytes());
  std::vector<Row> rows;
  for (const std::string& name : listing_order(contenders)) {
    for (const std::string op : {"set", "get", "get_field", "pop"}) {
      const double bytes = op == "get_field" ? column_bytes : static_cast<double>(data.nbytes());
      Row row = results.row(workload, name, op, Figure::Throughput, bytes, context.partition.nranks());
      row.vs_raw = results.speedup(name, op, kRaw, op);
      row.vs_raw_cpu = results.cpu_speedup(name, op, kRaw, op);
      if (row.figure == Figure::Throughput) row.vs_memcpy = results.speedup(name, op, kMemcpy, op);
      const bool store = is_store(name);
      if (store && row.failure.empty()) row.target = speed_and_memory_target(results, name, op, row);
      rows.push_back(std::move(row));
      if (!rows.back().failure.empty()) break;  // one line says why a contender has no figures
    }
  }
  return rows;
}

}  // namespace soastore::bench
