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
  if (b >= 1e9) {
    std::snprintf(text, sizeof text, "%.3g GB", b / 1e9);
  } else if (b >= 1e6) {
    std::snprintf(text, sizeof text, "%.3g MB", b / 1e6);
  } else if (b >= 1e3) {
    std::snprintf(text, sizeof text, "%.3g kB", b / 1e3);
  } else {
    std::snprintf(text, sizeof text, "%zu B", bytes);
  }
  return text;
}

ResolvedOptions resolve(const BenchOptions& options) {
  // The quick run moves a few MB per rank: it checks that everything runs, it measures little.
  const bool quick = options.quick;
  ResolvedOptions resolved;
  resolved.genericio = options.store != StoreChoice::Numpy;
  resolved.numpy = options.store != StoreChoice::GenericIO;
  for (const std::string& size : options.sizes.value_or(
           quick ? std::vector<std::string>{"4M"} : std::vector<std::string>{"100M", "1G"})) {
    resolved.sizes.push_back(parse_size(size));
  }
  resolved.steps = options.steps.value_or(quick ? 3 : 50);
  resolved.fields = options.fields.value_or(quick ? 4 : 20);
  resolved.rows = options.rows.value_or(quick ? 10'000 : 100'000);
  resolved.reps = options.reps.value_or(quick ? 2 : 5);
  resolved.latency_calls = options.latency_calls.value_or(quick ? 50 : 1000);
  resolved.dir = options.dir;
  resolved.workloads = options.workloads;
  resolved.fsync = options.fsync;
  if (resolved.steps <= 0 || resolved.fields <= 0 || resolved.reps <= 0 || resolved.latency_calls <= 0) {
    throw InvalidData("--steps, --fields, --reps and --latency-calls must be positive");
  }
  return resolved;
}

}  // namespace soastore::bench
