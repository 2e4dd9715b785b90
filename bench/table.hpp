#pragma once
// The one table `soastore bench` prints: a row per (workload, contender, operation).

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "bench/stats.hpp"

namespace soastore::bench {

// How a row's time is shown: as throughput when the operation moves bytes, else as a duration.
enum class Figure { Throughput, Milliseconds, Microseconds };

struct Row {
  std::string workload;
  std::string contender;
  std::string op;
  Figure figure = Figure::Throughput;
  double bytes_per_rank = 0;  // moved by the operation on each rank
  int nranks = 1;
  Summary seconds;                   // over repetitions (or calls), slowest rank
  std::optional<double> vs_raw;      // throughput / the raw baseline's, median of per-repetition ratios
  std::optional<double> vs_raw_cpu;  // the same with CPU time: robust when other processes share the cores
  std::optional<double> vs_memcpy;   // throughput / memcpy's, likewise
  std::optional<double> extra_mib;   // largest peak memory beyond the data over repetitions
  std::optional<long> files;         // files created (negative: removed), all ranks together
  std::string target;                // the target for this row and whether it is met
  std::string failure;               // replaces the figures when the contender could not run
};

// "met" or "MISSED": how a target cell ends, e.g. ">=0.9 raw: met".
[[nodiscard]] std::string verdict(bool met);

// Prints `rows` as an aligned text table under the column headings.
void print_table(std::FILE* out, const std::vector<Row>& rows);

// Any table of text cells: what print_table prints, and the tables of other modes.
struct TextTable {
  std::vector<std::string> headings;
  std::vector<bool> numeric;  // per column: aligned right (numbers) or left (words, the default)
  std::vector<std::vector<std::string>> lines;
  // Per line: its message stands in `failure_column` and runs over the figure columns without
  // widening that column.
  std::vector<bool> failed;
  std::size_t failure_column = 0;
};
// Prints `table` aligned, a rule under the headings; trailing blanks are cut.
void print_text_table(std::FILE* out, const TextTable& table);

// `value` formatted by the printf `pattern` ("%.2f GB/s"), for a cell.
[[nodiscard]] std::string format_cell(const char* pattern, double value);

}  // namespace soastore::bench
