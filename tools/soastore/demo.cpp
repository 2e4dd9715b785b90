// `soastore demo`: what a merger-tree pipeline does with the stores. For each snapshot step every
// rank builds a halo catalog (ids, positions, velocities, masses), puts it into a GenericIOStore
// and an index into a NumpyStore, and drops its own copy; afterwards every step is read back whole
// and field by field, every value is checked, and everything is removed. Prints per-step timings,
// throughput and the peak memory of the busiest rank.

#include <mpi.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"
#include "soastore/soastore.hpp"

namespace soastore::cli {
namespace {

struct DemoOptions {
  int steps = 10;
  std::size_t rows = 2'000'000;
  std::optional<std::string> path;
};

const std::vector<std::string> kFloatFields = {"x", "y", "z", "vx", "vy", "vz", "mass"};

// The value of every element is a function of (rank, step, row, field), so any rank can check
// what it reads back without keeping a copy.
std::int64_t halo_id(int rank, int step, std::size_t row) {
  return (static_cast<std::int64_t>(rank) << 40) | (static_cast<std::int64_t>(step) << 28) |
         static_cast<std::int64_t>(row);
}
float halo_value(std::size_t field, int rank, int step, std::size_t row) {
  const auto mixed = (row * 2654435761u + static_cast<std::size_t>(step) * 40503u + static_cast<std::size_t>(rank) * 97u +
                      field * 7919u) % 1'000'000u;
  return static_cast<float>(mixed) * 1e-3f;
}

SoA make_catalog(int rank, int step, std::size_t rows) {
  SoA soa;
  Array ids = Array::allocate(DType::Int64, {rows});
  auto id = ids.as<std::int64_t>();
  for (std::size_t i = 0; i < rows; ++i) id[i] = halo_id(rank, step, i);
  soa["id"] = ids;
  for (std::size_t f = 0; f < kFloatFields.size(); ++f) {
    Array column = Array::allocate(DType::Float32, {rows});
    auto values = column.as<float>();
    for (std::size_t i = 0; i < rows; ++i) values[i] = halo_value(f, rank, step, i);
    soa[kFloatFields[f]] = column;
  }
  return soa;
}

// The index a pipeline keeps next to a catalog: a permutation (here: reversed rows) and a 2-D
// table of (first row, count) per 1000-row chunk, to show that NumpyStore takes any shape.
SoA make_index(std::size_t rows) {
  Array order = Array::allocate(DType::Int64, {rows});
  auto o = order.as<std::int64_t>();
  for (std::size_t i = 0; i < rows; ++i) o[i] = static_cast<std::int64_t>(rows - 1 - i);
  const std::size_t chunks = (rows + 999) / 1000;
  Array table = Array::allocate(DType::UInt32, {chunks, 2});
  auto t = table.as<std::uint32_t>();
  for (std::size_t c = 0; c < chunks; ++c) {
    t[2 * c] = static_cast<std::uint32_t>(c * 1000);
    t[2 * c + 1] = static_cast<std::uint32_t>(std::min<std::size_t>(1000, rows - c * 1000));
  }
  return SoA{{"order", order}, {"chunks", table}};
}

// Counts elements that differ from the formula.
std::size_t count_wrong(const SoA& soa, int rank, int step, std::size_t rows) {
  std::size_t wrong = 0;
  for (const auto& [name, array] : soa) {
    if (array.size() != rows) return rows + 1;
    if (name == "id") {
      auto id = array.as<std::int64_t>();
      for (std::size_t i = 0; i < rows; ++i) wrong += id[i] != halo_id(rank, step, i);
      continue;
    }
    std::size_t f = 0;
    while (f < kFloatFields.size() && kFloatFields[f] != name) ++f;
    auto values = array.as<float>();
    for (std::size_t i = 0; i < rows; ++i) wrong += values[i] != halo_value(f, rank, step, i);
  }
  return wrong;
}

std::size_t count_wrong_index(const SoA& index, std::size_t rows) {
  const SoA expected = make_index(rows);
  std::size_t wrong = 0;
  for (const auto& [name, array] : expected) wrong += !equal(array, index.at(name));
  return wrong;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Slowest rank's time for a collective phase.
double max_over_ranks(double value, MPI_Comm comm) {
  MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_DOUBLE, MPI_MAX, comm);
  return value;
}

std::uint64_t sum_over_ranks(std::uint64_t value, MPI_Comm comm) {
  MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_UINT64_T, MPI_SUM, comm);
  return value;
}

double peak_rss_gib(MPI_Comm comm) {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return max_over_ranks(static_cast<double>(usage.ru_maxrss) / (1024.0 * 1024.0), comm);
}

int run_demo(const DemoOptions& options) {
  Partition partition;
  const MPI_Comm comm = partition.comm();
  const int rank = partition.rank();
  const bool root = rank == 0;
  std::optional<std::filesystem::path> catalog_path, index_path;
  if (options.path) {
    catalog_path = *options.path + "_catalog";
    index_path = *options.path + "_index";
  }
  GenericIOStore catalogs(partition, 256.0, catalog_path);
  NumpyStore indexes(partition, index_path);

  const double gib = 1024.0 * 1024.0 * 1024.0;
  const std::uint64_t step_bytes = sum_over_ranks(make_catalog(rank, 0, 0).nbytes() + options.rows * 36, comm);
  if (root) {
    std::printf("soastore demo: %d ranks (%dx%dx%d), %d steps, %zu rows per rank, %s\n", partition.nranks(),
                partition.decomposition()[0], partition.decomposition()[1], partition.decomposition()[2],
                options.steps, options.rows,
                options.path ? ("files under " + *options.path + "_*").c_str() : "in memory");
    std::printf("%5s %12s %12s %12s %12s\n", "step", "set s", "get s", "fields s", "GiB/s set");
  }

  std::vector<double> set_times(static_cast<std::size_t>(options.steps));
  for (int step = 0; step < options.steps; ++step) {
    const std::string key = "step_" + std::to_string(step);
    SoA catalog = make_catalog(rank, step, options.rows);
    SoA index = make_index(options.rows);
    MPI_Barrier(comm);
    const auto start = std::chrono::steady_clock::now();
    catalogs.set(key, catalog);
    indexes.set(key, index);
    set_times[static_cast<std::size_t>(step)] = max_over_ranks(seconds_since(start), comm);
  }  // each step's catalog is dropped here: only the stores hold the data now

  std::size_t wrong = 0;
  double total_set = 0, total_get = 0, total_fields = 0;
  for (int step = 0; step < options.steps; ++step) {
    const std::string key = "step_" + std::to_string(step);
    auto start = std::chrono::steady_clock::now();
    const SoA whole = catalogs.get(key);
    const double get_time = max_over_ranks(seconds_since(start), comm);
    wrong += count_wrong(whole, rank, step, options.rows);
    wrong += count_wrong_index(indexes.get(key), options.rows);

    start = std::chrono::steady_clock::now();
    double field_time = 0;
    for (const auto& name : whole.names()) {
      const SoA one = catalogs.get_field(key, name);
      field_time += seconds_since(start);
      wrong += count_wrong(one, rank, step, options.rows);
      start = std::chrono::steady_clock::now();
    }
    field_time = max_over_ranks(field_time, comm);
    const double set_time = set_times[static_cast<std::size_t>(step)];
    total_set += set_time;
    total_get += get_time;
    total_fields += field_time;
    if (root) {
      std::printf("%5d %12.4f %12.4f %12.4f %12.2f\n", step, set_time, get_time, field_time,
                  set_time > 0 ? static_cast<double>(step_bytes) / gib / set_time : 0.0);
    }
  }
  for (int step = 0; step < options.steps; ++step) {
    const std::string key = "step_" + std::to_string(step);
    catalogs.remove(key);
    (void)indexes.pop(key);
  }
  const std::uint64_t total_wrong = sum_over_ranks(wrong, comm);
  const double peak = peak_rss_gib(comm);
  if (root) {
    const double moved = static_cast<double>(step_bytes) * options.steps / gib;
    std::printf("stored and read back %.2f GiB in %d steps: set %.2f GiB/s, get %.2f GiB/s, field by field %.2f GiB/s\n",
                moved, options.steps, total_set > 0 ? moved / total_set : 0.0, total_get > 0 ? moved / total_get : 0.0,
                total_fields > 0 ? moved / total_fields : 0.0);
    std::printf("peak memory of the busiest rank: %.2f GiB\n", peak);
    std::printf("stores empty after removal: %s\n", catalogs.size() == 0 && indexes.size() == 0 ? "yes" : "NO");
    std::printf("verification: %s (%llu wrong values)\n", total_wrong == 0 ? "all values correct" : "FAILED",
                static_cast<unsigned long long>(total_wrong));
  }
  return total_wrong == 0 ? 0 : 1;
}

}  // namespace

void add_demo_command(CLI::App& app) {
  auto options = std::make_shared<DemoOptions>();
  CLI::App* demo = app.add_subcommand("demo", "Run the merger-tree pipeline pattern and verify every value (under mpirun)");
  demo->add_option("--steps", options->steps, "Snapshot steps")->capture_default_str()->check(CLI::PositiveNumber);
  demo->add_option("--rows", options->rows, "Halos per rank and step")->capture_default_str();
  demo->add_option("--path", options->path, "Store on disk under this prefix (default: in memory)");
  demo->callback([options] {
    const int status = run_demo(*options);
    if (status != 0) throw CLI::RuntimeError(status);
  });
}

}  // namespace soastore::cli
