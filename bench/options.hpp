#pragma once
// What `soastore bench` measures. Fields left unset by the user take their defaults from
// resolve(): the full run, or a quick run that finishes in seconds (for CI) with --quick.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace soastore::bench {

enum class StoreChoice { GenericIO, Numpy, Both };

struct BenchOptions {
  StoreChoice store = StoreChoice::Both;
  std::optional<std::vector<std::string>> sizes;  // bytes per rank, "100M", "1G" (decimal units)
  std::optional<int> steps;                       // merger tree: snapshot steps
  std::optional<int> fields;                      // merger tree: fields per step
  std::optional<std::size_t> rows;                // merger tree: rows per rank and field
  std::optional<int> reps;                        // repetitions of every measurement
  std::optional<int> latency_calls;               // memory mode: timed calls per repetition
  std::filesystem::path dir = "/tmp/soastore-bench";
  std::vector<std::string> workloads = {"catalog", "merger-tree", "latency"};
  bool fsync = false;  // the raw baseline calls fsync before close (only fair if the stores do)
  bool quick = false;
};

// BenchOptions with every default filled in and sizes parsed.
struct ResolvedOptions {
  bool genericio = true;
  bool numpy = true;
  std::vector<std::size_t> sizes;
  int steps = 0;
  int fields = 0;
  std::size_t rows = 0;
  int reps = 0;
  int latency_calls = 0;
  std::filesystem::path dir;
  std::vector<std::string> workloads;
  bool fsync = false;
};

[[nodiscard]] ResolvedOptions resolve(const BenchOptions& options);
// "100M" -> 100'000'000; suffixes K, M, G (powers of 1000) or none (bytes). InvalidData otherwise.
[[nodiscard]] std::size_t parse_size(const std::string& text);
// 100'000'000 -> "100 MB".
[[nodiscard]] std::string format_size(std::size_t bytes);

}  // namespace soastore::bench
