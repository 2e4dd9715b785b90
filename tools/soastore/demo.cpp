// `soastore demo`: what a merger-tree pipeline does with the stores, run through the benchmark's
// merger-tree pattern (bench/merger_tree.hpp) step by step. For each snapshot step every rank
// builds a halo catalog (ids, positions, velocities, masses) and its index; the catalog goes into
// a GenericIOStore, the index into a NumpyStore, and the rank drops its own copy. Afterwards every
// step is read back whole and field by field, every value is checked, and everything is removed.
// Prints per-step and per-field timings and throughput, the peak memory of the busiest rank and
// what was left behind.

#include <mpi.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench/contender.hpp"
#include "bench/merger_tree.hpp"
#include "bench/stats.hpp"
#include "commands.hpp"
#include "soastore/soastore.hpp"
#include "soastore/store_files.hpp"

namespace soastore::cli {
namespace {

struct DemoOptions {
  int steps = 10;
  std::size_t rows = 2'000'000;
  std::optional<std::string> path;
};

const std::vector<std::string> kFloatFields = {"x", "y", "z", "vx", "vy", "vz", "mass"};
const std::vector<std::string> kCatalogFields = {"id", "x", "y", "z", "vx", "vy", "vz", "mass"};
// The index's arrays in a step's SoA; all others are the catalog's.
const std::vector<std::string> kIndexFields = {"order", "chunks"};

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

// A step as the pipeline hands it to its store: the catalog's arrays, then the index's.
SoA make_step(int rank, int step, std::size_t rows) {
  SoA soa = make_catalog(rank, step, rows);
  for (const auto& [name, array] : make_index(rows)) soa.insert(name, array);
  return soa;
}

bool is_index_field(const std::string& name) {
  return std::find(kIndexFields.begin(), kIndexFields.end(), name) != kIndexFields.end();
}

// The pipeline's store as the merger-tree pattern sees it: one key, two stores. A step's catalog
// goes into a GenericIOStore (columns of equal length), its index into a NumpyStore (any shape);
// reads are of the catalog.
class PipelineStore final : public bench::Contender {
 public:
  PipelineStore(const Partition& partition, const std::optional<std::filesystem::path>& catalog_path,
                const std::optional<std::filesystem::path>& index_path)
      : catalogs_(partition, 256.0, catalog_path), indexes_(partition, index_path) {}

  [[nodiscard]] std::string name() const override { return "GenericIOStore + NumpyStore"; }
  void set(const std::string& key, const SoA& step) override {
    SoA catalog, index;
    for (const auto& [name, array] : step) (is_index_field(name) ? index : catalog).insert(name, array);
    catalogs_.set(key, catalog);
    indexes_.set(key, index);
  }
  [[nodiscard]] SoA get(const std::string& key) override { return catalogs_.get(key); }
  [[nodiscard]] SoA get_field(const std::string& key, const std::string& field) override {
    return catalogs_.get_field(key, field);
  }
  [[nodiscard]] SoA pop(const std::string& key) override {
    SoA catalog = catalogs_.pop(key);
    indexes_.remove(key);
    return catalog;
  }
  void remove(const std::string& key) override {
    catalogs_.remove(key);
    indexes_.remove(key);
  }

  [[nodiscard]] SoA index(const std::string& key) { return indexes_.get(key); }
  [[nodiscard]] bool empty() const { return catalogs_.size() == 0 && indexes_.size() == 0; }

 private:
  GenericIOStore catalogs_;
  NumpyStore indexes_;
};

// Counts elements that differ from the formula; a missing or extra field, or one of another
// length, counts as more than all rows wrong.
std::size_t count_wrong(const SoA& soa, const std::vector<std::string>& fields, int rank, int step, std::size_t rows) {
  if (soa.size() != fields.size()) return rows + 1;
  std::size_t wrong = 0;
  for (const std::string& name : fields) {
    if (!soa.contains(name) || soa.at(name).size() != rows) return rows + 1;
    if (name == "id") {
      auto id = soa.at(name).as<std::int64_t>();
      for (std::size_t i = 0; i < rows; ++i) wrong += id[i] != halo_id(rank, step, i);
      continue;
    }
    const auto f = static_cast<std::size_t>(std::find(kFloatFields.begin(), kFloatFields.end(), name) -
                                            kFloatFields.begin());
    auto values = soa.at(name).as<float>();
    for (std::size_t i = 0; i < rows; ++i) wrong += values[i] != halo_value(f, rank, step, i);
  }
  return wrong;
}

std::size_t count_wrong_index(const SoA& index, std::size_t rows) {
  const SoA expected = make_index(rows);
  if (index.size() != expected.size()) return 1;
  std::size_t wrong = 0;
  for (const auto& [name, array] : expected) wrong += !index.contains(name) || !equal(array, index.at(name));
  return wrong;
}

std::uint64_t sum_over_ranks(std::uint64_t value, MPI_Comm comm) {
  MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_UINT64_T, MPI_SUM, comm);
  return value;
}

// The arrays of a step: their dtypes, and their bytes on all ranks together (every step has the
// same arrays on every rank, in the same order).
class StepArrays {
 public:
  void record(const SoA& step) {
    for (const auto& [name, array] : step) arrays_[name] = {array.dtype(), array.nbytes(), 0};
  }
  void sum_over_ranks(MPI_Comm comm) {
    for (auto& [name, facts] : arrays_) facts.all_ranks = static_cast<double>(cli::sum_over_ranks(facts.bytes, comm));
  }
  [[nodiscard]] std::string_view dtype(const std::string& name) const { return dtype_name(arrays_.at(name).dtype); }
  [[nodiscard]] double bytes(const std::vector<std::string>& names) const {
    double sum = 0;
    for (const std::string& name : names) sum += arrays_.at(name).all_ranks;
    return sum;
  }

 private:
  struct Facts {
    DType dtype;
    std::uint64_t bytes;  // on this rank
    double all_ranks;
  };
  std::map<std::string, Facts> arrays_;
};

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
constexpr double kMiB = 1024.0 * 1024.0;

double gib_per_s(double bytes, double seconds) { return seconds > 0 ? bytes / kGiB / seconds : 0.0; }

void print_steps(const bench::MergerTreeSample& sample, const StepArrays& arrays) {
  const double catalog = arrays.bytes(kCatalogFields), stored = catalog + arrays.bytes(kIndexFields);
  std::printf("%5s %12s %12s %12s %12s %12s %12s\n", "step", "set s", "get s", "fields s", "GiB/s set", "GiB/s get",
              "GiB/s fields");
  for (std::size_t step = 0; step < sample.steps.size(); ++step) {
    const bench::MergerTreeStep& timed = sample.steps[step];
    const double fields = bench::in_sequence(timed.fields).seconds;
    std::printf("%5zu %12.4f %12.4f %12.4f %12.2f %12.2f %12.2f\n", step, timed.set.seconds, timed.get.seconds,
                fields, gib_per_s(stored, timed.set.seconds), gib_per_s(catalog, timed.get.seconds),
                gib_per_s(catalog, fields));
  }
}

// get_field of each catalog field alone: the median time over the steps, the throughput it gives
// and the range of throughput from the slowest to the fastest step.
void print_fields(const bench::MergerTreeSample& sample, const StepArrays& arrays, int nranks) {
  std::printf("\nfield by field: get_field of one field of one step, median over the %zu steps\n",
              sample.steps.size());
  std::printf("%5s %8s %13s %12s %12s %20s\n", "field", "dtype", "MiB per rank", "median ms", "GiB/s",
              "GiB/s [min-max]");
  for (std::size_t f = 0; f < kCatalogFields.size(); ++f) {
    std::vector<double> seconds;
    for (const bench::MergerTreeStep& timed : sample.steps) seconds.push_back(timed.fields[f].seconds);
    const bench::Summary summary = bench::summarize(seconds);
    const double bytes = arrays.bytes({kCatalogFields[f]});
    char range[48];
    std::snprintf(range, sizeof range, "[%.2f-%.2f]", gib_per_s(bytes, summary.max), gib_per_s(bytes, summary.min));
    std::printf("%5s %8s %13.2f %12.3f %12.2f %20s\n", kCatalogFields[f].c_str(),
                std::string(arrays.dtype(kCatalogFields[f])).c_str(), bytes / nranks / kMiB, summary.median * 1e3,
                gib_per_s(bytes, summary.median), range);
  }
}

void print_summary(const bench::MergerTreeSample& sample, const StepArrays& arrays, const DemoOptions& options,
                   int nranks) {
  const double read = arrays.bytes(kCatalogFields) * options.steps;
  const double stored = read + arrays.bytes(kIndexFields) * options.steps;
  const double fields = gib_per_s(read, sample.get_field.seconds);
  std::printf("\nstored %.2f GiB, read back %.2f GiB whole and again field by field in %d steps: set %.2f GiB/s, "
              "get %.2f GiB/s, field by field %.2f GiB/s (%.2f GiB/s per rank)\n",
              stored / kGiB, read / kGiB, options.steps, gib_per_s(stored, sample.set.seconds),
              gib_per_s(read, sample.get.seconds), fields, fields / nranks);
  std::printf("removed every step in %.4f s\n", sample.remove.seconds);
  const bench::PhaseSample all = bench::in_sequence({sample.set, sample.get, sample.get_field, sample.remove});
  std::printf("peak memory of the busiest rank: %.2f GiB (at most %.1f MiB above the data it held and got back)\n",
              static_cast<double>(all.peak_resident) / kGiB, static_cast<double>(all.extra_memory) / kMiB);
}

int run_demo(const DemoOptions& options) {
  Partition partition;
  const MPI_Comm comm = partition.comm();
  const int rank = partition.rank();
  const bool root = rank == 0;
  std::optional<std::filesystem::path> catalog_path, index_path;
  std::filesystem::path directory;  // where the stores' files go (the phases count files in it)
  if (options.path) {
    catalog_path = *options.path + "_catalog";
    index_path = *options.path + "_index";
    directory = catalog_path->has_parent_path() ? catalog_path->parent_path() : ".";
  }
  PipelineStore store(partition, catalog_path, index_path);
  if (root) {
    std::printf("soastore demo: %d ranks (%dx%dx%d), %d steps, %zu rows per rank, %s\n", partition.nranks(),
                partition.decomposition()[0], partition.decomposition()[1], partition.decomposition()[2],
                options.steps, options.rows,
                options.path ? ("files under " + *options.path + "_*").c_str() : "in memory");
    std::fflush(stdout);
  }

  StepArrays arrays;
  std::uint64_t wrong = 0;
  bench::MergerTreePlan plan;
  plan.steps = options.steps;
  plan.data = [&](int step) {
    SoA soa = make_step(rank, step, options.rows);
    arrays.record(soa);
    return soa;
  };
  plan.fields = kCatalogFields;
  plan.whole_get = true;
  plan.step_by_step = true;
  plan.check = [&](int step, const std::string& field, const SoA& result) {
    if (field.empty()) {
      wrong += count_wrong(result, kCatalogFields, rank, step, options.rows);
      wrong += count_wrong_index(store.index(bench::merger_tree_key(step)), options.rows);
    } else {
      wrong += count_wrong(result, {field}, rank, step, options.rows);
    }
  };
  const bench::MergerTreeSample sample = bench::run_merger_tree(store, plan, {comm, directory});

  arrays.sum_over_ranks(comm);
  const std::uint64_t total_wrong = sum_over_ranks(wrong, comm);
  const bool empty = sum_over_ranks(store.empty() ? 0 : 1, comm) == 0;
  std::uint64_t left = 0;
  if (root && options.path) left = find_store_files(*catalog_path).size() + find_store_files(*index_path).size();
  MPI_Bcast(&left, 1, MPI_UINT64_T, 0, comm);
  if (root) {
    const int nranks = partition.nranks();
    std::printf("every step, on every rank: a catalog of %zu fields (%.2f MiB) into a GenericIOStore and its index "
                "(%.2f MiB) into a NumpyStore\n",
                kCatalogFields.size(), arrays.bytes(kCatalogFields) / nranks / kMiB,
                arrays.bytes(kIndexFields) / nranks / kMiB);
    std::printf("s: seconds of the slowest rank, all ranks starting each call together; GiB/s: all ranks' bytes / "
                "that time\n");
    if (!options.path) {
      std::printf("(in memory the stores keep and hand back the arrays themselves, no copy: GiB/s is how fast the "
                  "calls are, not bytes moved)\n");
    }
    print_steps(sample, arrays);
    print_fields(sample, arrays, nranks);
    print_summary(sample, arrays, options, nranks);
    std::printf("stores empty after removal: %s\n", empty ? "yes" : "NO");
    if (options.path) {
      std::printf("store files left under %s_*: %llu\n", options.path->c_str(),
                  static_cast<unsigned long long>(left));
    }
    std::printf("verification: %s (%llu wrong values)\n", total_wrong == 0 ? "all values correct" : "FAILED",
                static_cast<unsigned long long>(total_wrong));
  }
  return total_wrong == 0 && empty && left == 0 ? 0 : 1;
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
