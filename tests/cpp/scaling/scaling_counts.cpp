// soastore_scaling_counts: what each store operation costs each rank, counted rather than timed
// (issue 14, docs/scaling.md). Under `mpiexec -n P`, for GenericIOStore and NumpyStore on disk and
// in memory, it runs set, get, get_field (one field), pop and remove of one key, and the
// merger-tree pattern (set S steps, get_field every field of every step, remove every step), and
// counts around each operation on every rank:
//   collective MPI calls and the bytes this rank handed to and got back from them, point-to-point
//   messages (tests/cpp/support/mpi_call_counter.hpp, through the MPI profiling interface);
//   files opened, renamed and removed (the metadata operations), and bytes read beyond the data
//   returned and written beyond the data given (soastore::io_counters(); on disk the arrays
//   returned are what was asked for, in memory nothing should be read at all).
// Rank 0 prints, per operation and count, rank 0's figure (it writes the GenericIO header) and
// the largest of the other ranks': a markdown table, or with --tsv one line per figure for
// tests/cpp/scaling/scaling_report.py. Every rank holds the same number of rows whatever P is, so
// a figure that grows with P is a cost that grows with the job, not with the data.
//
// Usage: mpiexec -n P soastore_scaling_counts --path PREFIX [--rows N] [--steps S] [--tsv]

#include <mpi.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "soastore/genericio_store.hpp"
#include "soastore/io_counters.hpp"
#include "soastore/numpy_store.hpp"
#include "support/mpi_call_counter.hpp"

namespace {

using soastore::Array;
using soastore::SoA;
using soastore::Store;

// The counts, in the order of the table's columns.
constexpr std::array<std::string_view, 10> kCountNames = {
    "collective rounds", "collective calls", "bytes sent", "bytes received", "p2p messages", "opens", "renames", "removes",
    "bytes read extra", "bytes written extra"};
using Counts = std::array<std::int64_t, kCountNames.size()>;

struct Snapshot {
  soastore::testing::MpiCounts mpi;
  soastore::IoCounters io;

  static Snapshot now() { return {soastore::testing::mpi_counts(), soastore::io_counters()}; }
};

// What happened between `before` and now, given the bytes of the arrays the operation took
// (`bytes_given`, a set) and returned (`bytes_returned`) and whether they are files' to read.
Counts counts_since(const Snapshot& before, std::uint64_t bytes_given, std::uint64_t bytes_returned, bool on_disk) {
  const Snapshot after = Snapshot::now();
  const soastore::testing::MpiCounts mpi = after.mpi - before.mpi;
  const auto io = [&](std::uint64_t soastore::IoCounters::*count) {
    return static_cast<std::int64_t>(after.io.*count - before.io.*count);
  };
  const auto asked = static_cast<std::int64_t>(on_disk ? bytes_returned : 0);
  return {static_cast<std::int64_t>(mpi.collective_rounds),
          static_cast<std::int64_t>(mpi.collective_calls),
          static_cast<std::int64_t>(mpi.collective_bytes_sent),
          static_cast<std::int64_t>(mpi.collective_bytes_received),
          static_cast<std::int64_t>(mpi.messages_sent + mpi.messages_received),
          io(&soastore::IoCounters::opens),
          io(&soastore::IoCounters::renames),
          io(&soastore::IoCounters::removes),
          io(&soastore::IoCounters::bytes_read) + io(&soastore::IoCounters::bytes_mapped) - asked,
          io(&soastore::IoCounters::bytes_written) - static_cast<std::int64_t>(on_disk ? bytes_given : 0)};
}

Counts& operator+=(Counts& total, const Counts& more) {
  for (std::size_t i = 0; i < total.size(); ++i) total[i] += more[i];
  return total;
}

// This rank's rows: the same count on every rank, values that depend on rank and step.
SoA make_catalog(std::size_t rows, int rank, int step) {
  std::vector<std::int64_t> id(rows);
  std::vector<float> x(rows), y(rows), mass(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    id[i] = static_cast<std::int64_t>(rank) * 1'000'000'000 + step * 1'000'000 + static_cast<std::int64_t>(i);
    x[i] = static_cast<float>(i) * 0.5F;
    y[i] = static_cast<float>(rank);
    mass[i] = static_cast<float>(step) + 1.0F;
  }
  return {{"id", Array::from(std::move(id))},
          {"x", Array::from(std::move(x))},
          {"y", Array::from(std::move(y))},
          {"mass", Array::from(std::move(mass))}};
}

struct Row {
  std::string store;
  std::string operation;
  Counts counts;
};

// Measures the single operations and the merger-tree pattern on one store.
class Measurement {
 public:
  Measurement(std::string store_name, Store& store, bool on_disk, std::size_t rows, int rank)
      : name_(std::move(store_name)), store_(store), on_disk_(on_disk), rows_(rows), rank_(rank) {}

  void single_operations(std::vector<Row>& rows) {
    const SoA value = make_catalog(rows_, rank_, 0);
    measure(rows, "set", [&] {
      store_.set("single", value);
      return Bytes{value.nbytes(), 0};
    });
    measure(rows, "get", [&] { return Bytes{0, store_.get("single").nbytes()}; });
    measure(rows, "get_field", [&] { return Bytes{0, store_.get_field("single", "x").nbytes()}; });
    measure(rows, "remove", [&] {
      store_.remove("single");
      return Bytes{};
    });
    store_.set("single", value);
    measure(rows, "pop", [&] { return Bytes{0, store_.pop("single").nbytes()}; });
  }

  void merger_tree(std::vector<Row>& rows, int steps) {
    Counts total{};
    for (int step = 0; step < steps; ++step) {
      const SoA value = make_catalog(rows_, rank_, step);
      const Snapshot before = Snapshot::now();
      store_.set(key(step), value);
      total += counts_since(before, value.nbytes(), 0, on_disk_);
    }
    const std::vector<std::string> fields = make_catalog(0, rank_, 0).names();
    for (int step = 0; step < steps; ++step) {
      for (const std::string& field : fields) {
        const Snapshot before = Snapshot::now();
        const SoA result = store_.get_field(key(step), field);
        total += counts_since(before, 0, result.nbytes(), on_disk_);
      }
    }
    for (int step = 0; step < steps; ++step) {
      const Snapshot before = Snapshot::now();
      store_.remove(key(step));
      total += counts_since(before, 0, 0, on_disk_);
    }
    const std::string pattern =
        "merger tree (" + std::to_string(steps) + " steps x " + std::to_string(fields.size()) + " fields)";
    rows.push_back({name_, pattern, total});
  }

 private:
  struct Bytes {
    std::uint64_t given = 0;
    std::uint64_t returned = 0;
  };

  static std::string key(int step) { return "step" + std::to_string(step); }

  void measure(std::vector<Row>& rows, std::string operation, const std::function<Bytes()>& run) {
    const Snapshot before = Snapshot::now();
    const Bytes bytes = run();
    rows.push_back({name_, std::move(operation), counts_since(before, bytes.given, bytes.returned, on_disk_)});
  }

  std::string name_;
  Store& store_;
  bool on_disk_;
  std::size_t rows_;
  int rank_;
};

struct Arguments {
  std::filesystem::path path;
  std::size_t rows = 1000;
  int steps = 3;
  bool tsv = false;
};

std::optional<Arguments> parse(int argc, char** argv) {
  Arguments arguments;
  for (int i = 1; i < argc; ++i) {
    const std::string_view argument = argv[i];
    const bool has_value = i + 1 < argc;
    if (argument == "--path" && has_value) {
      arguments.path = argv[++i];
    } else if (argument == "--rows" && has_value) {
      arguments.rows = std::strtoull(argv[++i], nullptr, 10);
    } else if (argument == "--steps" && has_value) {
      arguments.steps = std::atoi(argv[++i]);
    } else if (argument == "--tsv") {
      arguments.tsv = true;
    } else {
      return std::nullopt;
    }
  }
  if (arguments.path.empty() || arguments.steps < 1) return std::nullopt;
  return arguments;
}

// Rank 0's counts and the largest of the other ranks' (none on one rank), per row.
struct RankFigures {
  std::vector<Counts> rank0;
  std::vector<std::optional<Counts>> others_max;
};

RankFigures gather(const std::vector<Row>& rows, int rank, int nranks) {
  std::vector<std::int64_t> mine;
  for (const Row& row : rows) mine.insert(mine.end(), row.counts.begin(), row.counts.end());
  std::vector<std::int64_t> all(rank == 0 ? mine.size() * static_cast<std::size_t>(nranks) : 0);
  MPI_Gather(mine.data(), static_cast<int>(mine.size()), MPI_INT64_T, all.data(), static_cast<int>(mine.size()),
             MPI_INT64_T, 0, MPI_COMM_WORLD);
  RankFigures figures;
  if (rank != 0) return figures;
  for (std::size_t row = 0; row < rows.size(); ++row) {
    figures.rank0.push_back(rows[row].counts);
    std::optional<Counts> largest;
    for (int other = 1; other < nranks; ++other) {
      const std::size_t first = (static_cast<std::size_t>(other) * rows.size() + row) * kCountNames.size();
      const std::int64_t* counts = all.data() + first;
      if (!largest) largest = Counts{};
      for (std::size_t i = 0; i < kCountNames.size(); ++i) {
        (*largest)[i] = other == 1 ? counts[i] : std::max((*largest)[i], counts[i]);
      }
    }
    figures.others_max.push_back(largest);
  }
  return figures;
}

void print_tsv(const std::vector<Row>& rows, const RankFigures& figures, int nranks) {
  std::printf("ranks\tstore\toperation\tcount\trank 0\tother ranks (max)\n");
  for (std::size_t row = 0; row < rows.size(); ++row) {
    for (std::size_t i = 0; i < kCountNames.size(); ++i) {
      const std::string others = figures.others_max[row] ? std::to_string((*figures.others_max[row])[i]) : "-";
      std::printf("%d\t%s\t%s\t%.*s\t%lld\t%s\n", nranks, rows[row].store.c_str(), rows[row].operation.c_str(),
                  static_cast<int>(kCountNames[i].size()), kCountNames[i].data(),
                  static_cast<long long>(figures.rank0[row][i]), others.c_str());
    }
  }
}

void print_markdown(const std::vector<Row>& rows, const RankFigures& figures, int nranks) {
  std::printf("%d rank(s); each cell: rank 0 / the largest of the other ranks\n\n| store | operation |", nranks);
  for (const std::string_view name : kCountNames) std::printf(" %.*s |", static_cast<int>(name.size()), name.data());
  std::printf("\n| --- | --- |");
  for (std::size_t i = 0; i < kCountNames.size(); ++i) std::printf(" ---: |");
  std::printf("\n");
  for (std::size_t row = 0; row < rows.size(); ++row) {
    std::printf("| %s | %s |", rows[row].store.c_str(), rows[row].operation.c_str());
    for (std::size_t i = 0; i < kCountNames.size(); ++i) {
      const std::string others = figures.others_max[row] ? std::to_string((*figures.others_max[row])[i]) : "-";
      std::printf(" %lld / %s |", static_cast<long long>(figures.rank0[row][i]), others.c_str());
    }
    std::printf("\n");
  }
}

int run(const Arguments& arguments) {
  int rank = 0;
  int nranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &nranks);
  const soastore::Partition partition(MPI_COMM_WORLD);
  const std::filesystem::path& prefix = arguments.path;

  std::vector<Row> rows;
  const auto measure = [&](const std::string& name, Store& store, bool on_disk) {
    Measurement measurement(name, store, on_disk, arguments.rows, rank);
    measurement.single_operations(rows);
    measurement.merger_tree(rows, arguments.steps);
  };
  {
    soastore::GenericIOStore store(partition, 1.0, prefix.string() + "_gio");
    measure("GenericIOStore on disk", store, true);
  }
  {
    // A split file from 2 ranks on: one sub-file per rank, and the rank map (the most files per
    // key a GenericIOStore can make; groups of N ranks cost the same, from N + 1 ranks on).
    soastore::GenericIOStore store(partition, 1.0, prefix.string() + "_gio_rank",
                                   {.file_groups = soastore::FileGroups::of(soastore::FileGroups::Kind::Rank)});
    measure("GenericIOStore on disk, file_groups rank", store, true);
  }
  {
    soastore::NumpyStore store(partition, prefix.string() + "_npz");
    measure("NumpyStore on disk", store, true);
  }
  {
    // One archive per key for all ranks.
    soastore::NumpyStore store(partition, prefix.string() + "_npz_all",
                               {.file_groups = soastore::FileGroups::of(soastore::FileGroups::Kind::All)});
    measure("NumpyStore on disk, file_groups all", store, true);
  }
  {
    soastore::GenericIOStore store(partition, 1.0);
    measure("GenericIOStore in memory", store, false);
  }
  {
    soastore::NumpyStore store(partition);
    measure("NumpyStore in memory", store, false);
  }

  const RankFigures figures = gather(rows, rank, nranks);
  if (rank == 0) (arguments.tsv ? print_tsv : print_markdown)(rows, figures, nranks);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  const std::optional<Arguments> arguments = parse(argc, argv);
  int status = 2;
  if (arguments) {
    status = run(*arguments);
  } else {
    std::fprintf(stderr, "usage: mpiexec -n P %s --path PREFIX [--rows N] [--steps S] [--tsv]\n", argv[0]);
  }
  MPI_Finalize();
  return status;
}
