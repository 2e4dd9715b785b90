#include "bench/options.hpp"

#include <cmath>
#include <cstdio>

#include "soastore/errors.hpp"

namespace soastore::bench {

std::size_t parse_size(const std::string& text) {
  std::size_t consumed = 0;
  double value = 0;
  try {
    value = std::stod(text, &consumed);
  } catch (const std::exception&) {
    throw InvalidData("size '" + text + "' is not a number with an optional K, M or G suffix");
  }
  const std::string suffix = text.substr(consumed);
  double scale = 1;
  if (suffix == "K" || suffix == "k") {
    scale = 1e3;
  } else if (suffix == "M") {
    scale = 1e6;
  } else if (suffix == "G") {
    scale = 1e9;
  } else if (!suffix.empty()) {
    throw InvalidData("size '" + text + "' has an unknown suffix '" + suffix + "' (use K, M or G)");
  }
  if (!(value > 0)) throw InvalidData("size '" + text + "' must be positive");
  return static_cast<std::size_t>(std::llround(value * scale));
}

std::string format_size(std::size_t bytes) {
  char text[32];
  const double b = static_cast<double>(bytes);
  // A unit's threshold is where three digits of the smaller unit round up to 1000.
  if (b >= 999.5e6) {
    std::snprintf(text, sizeof text, "%.3g GB", b / 1e9);
  } else if (b >= 999.5e3) {
    std::snprintf(text, sizeof text, "%.3g MB", b / 1e6);
  } else if (b >= 999.5) {
    std::snprintf(text, sizeof text, "%.3g kB", b / 1e3);
  } else {
    std::snprintf(text, sizeof text, "%zu B", bytes);
  }
  return text;
}

namespace {

// The store contenders unless --contenders names others; --store picks among them. A variant is
// one line more, e.g. "GenericIOStore keep_files" (any options that soastore::StoreOptions has).
const std::vector<std::string> kDefaultStoreContenders = {
    "GenericIOStore",
    "NumpyStore",
};

std::vector<StoreSpec> store_contenders(const BenchOptions& options) {
  std::vector<StoreSpec> specs;
  if (options.contenders) {
    for (const std::string& text : *options.contenders) specs.push_back(parse_store_spec(text));
    return specs;
  }
  for (const std::string& text : kDefaultStoreContenders) {
    StoreSpec spec = parse_store_spec(text + " " + options.store_options);
    const bool chosen = (spec.store == "GenericIOStore" && options.store != StoreChoice::Numpy) ||
                        (spec.store == "NumpyStore" && options.store != StoreChoice::GenericIO);
    if (chosen) specs.push_back(std::move(spec));
  }
  return specs;
}

}  // namespace

ResolvedOptions resolve(const BenchOptions& options) {
  // The quick run moves a few MB per rank: it checks that everything runs, it measures little.
  const bool quick = options.quick;
  ResolvedOptions resolved;
  resolved.stores = store_contenders(options);
  resolved.compute_seconds = options.compute.value_or(0);
  if (resolved.compute_seconds < 0) throw InvalidData("--compute must not be negative");
  if (options.memory_limit) resolved.memory_limit = parse_size(*options.memory_limit);
  if (options.memory_group) resolved.memory_group = *options.memory_group;
  // Memory-limited mode: data well above a node's limit (4.5 GB per rank, 9 GB on 2 ranks), once;
  // quick: 168 MB per rank, above a limit of a few hundred MB, in seconds.
  const bool limited = resolved.memory_limit > 0;
  for (const std::string& size : options.sizes.value_or(
           quick ? std::vector<std::string>{"4M"} : std::vector<std::string>{"100M", "1G"})) {
    resolved.sizes.push_back(parse_size(size));
  }
  resolved.steps = options.steps.value_or(limited ? (quick ? 6 : 50) : (quick ? 3 : 50));
  resolved.fields = options.fields.value_or(quick ? 4 : 20);
  resolved.rows = options.rows.value_or(limited ? (quick ? 1'000'000 : 675'000) : (quick ? 10'000 : 100'000));
  resolved.reps = options.reps.value_or(limited ? 1 : (quick ? 2 : 5));
  resolved.latency_calls = options.latency_calls.value_or(quick ? 50 : 1000);
  resolved.dir = options.dir;
  resolved.workloads = options.workloads;
  resolved.fsync = options.fsync;
  resolved.budgets = options.budgets;
  for (const int percent : resolved.budgets) {
    if (percent <= 0) throw InvalidData("--budgets are positive percentages of the data per rank");
  }
  resolved.plot = options.plot;
  if (options.plot) resolved.budget_trace = std::filesystem::path(*options.plot).replace_extension(".csv");
  if (resolved.steps <= 0 || resolved.fields <= 0 || resolved.reps <= 0 || resolved.latency_calls <= 0) {
    throw InvalidData("--steps, --fields, --reps and --latency-calls must be positive");
  }
  return resolved;
}

}  // namespace soastore::bench
