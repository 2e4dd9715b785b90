#include "bench/table.hpp"

#include <algorithm>
#include <array>

namespace soastore::bench {
namespace {

constexpr std::size_t kColumns = 11;
using Cells = std::array<std::string, kColumns>;

std::string format(const char* pattern, double value) {
  char text[64];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

// "2.31 GB/s [2.10-2.52]": the median and the range over repetitions. The slowest repetition
// gives the smallest throughput.
std::string per_rank_cell(const Row& row) {
  switch (row.figure) {
    case Figure::Throughput: {
      const auto rate = [&](double seconds) { return seconds > 0 ? row.bytes_per_rank / seconds / 1e9 : 0.0; };
      return format("%.2f GB/s", rate(row.seconds.median)) + format(" [%.2f", rate(row.seconds.max)) +
             format("-%.2f]", rate(row.seconds.min));
    }
    case Figure::Milliseconds:
      return format("%.2f ms", row.seconds.median * 1e3) + format(" [%.2f", row.seconds.min * 1e3) +
             format("-%.2f]", row.seconds.max * 1e3);
    case Figure::Microseconds:
      return format("%.2f us", row.seconds.median * 1e6) + format(" [%.2f", row.seconds.min * 1e6) +
             format("-%.2f]", row.seconds.max * 1e6);
  }
  return {};
}

Cells cells(const Row& row) {
  Cells c{row.workload, row.contender, row.op};
  if (!row.failure.empty()) {
    c[3] = row.failure;
    return c;
  }
  c[3] = per_rank_cell(row);
  if (row.figure == Figure::Throughput && row.seconds.median > 0) {
    c[4] = format("%.2f GB/s", row.bytes_per_rank * row.nranks / row.seconds.median / 1e9);
  }
  if (row.vs_raw) c[5] = format("%.2f", *row.vs_raw);
  if (row.vs_raw_cpu) c[6] = format("%.2f", *row.vs_raw_cpu);
  if (row.vs_memcpy) c[7] = format("%.2f", *row.vs_memcpy);
  if (row.extra_mib) c[8] = format("%.1f", *row.extra_mib);
  if (row.files) {
    char text[32];
    std::snprintf(text, sizeof text, *row.files > 0 ? "+%ld" : "%ld", *row.files);
    c[9] = text;
  }
  c[10] = row.target;
  return c;
}

}  // namespace

std::string verdict(bool met) { return met ? "met" : "MISSED"; }

void print_table(std::FILE* out, const std::vector<Row>& rows) {
  const Cells heading{"workload", "contender", "op", "per rank: median [min-max]", "aggregate", "x raw", "x raw cpu",
                      "x memcpy", "extra MiB", "files", "target"};
  std::vector<Cells> lines{heading};
  for (const Row& row : rows) lines.push_back(cells(row));
  // A failed row's message runs over the figure columns: it does not widen the per-rank column.
  std::array<std::size_t, kColumns> width{};
  for (std::size_t line = 0; line < lines.size(); ++line) {
    const bool failed = line > 0 && !rows[line - 1].failure.empty();
    for (std::size_t i = 0; i < kColumns; ++i) {
      if (!(failed && i == 3)) width[i] = std::max(width[i], lines[line][i].size());
    }
  }
  const auto print_line = [&](const Cells& line) {
    std::string text;
    for (std::size_t i = 0; i < kColumns; ++i) {
      std::string cell = line[i];
      // Numbers align right, words left.
      const bool numeric = i >= 4 && i <= 9;
      if (cell.size() < width[i]) cell = numeric ? std::string(width[i] - cell.size(), ' ') + cell
                                                 : cell + std::string(width[i] - cell.size(), ' ');
      text += cell;
      if (i + 1 < kColumns) text += "  ";
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    std::fprintf(out, "%s\n", text.c_str());
  };
  print_line(lines.front());
  std::size_t total = 0;
  for (std::size_t w : width) total += w + 2;
  std::fprintf(out, "%s\n", std::string(total - 2, '-').c_str());
  for (std::size_t i = 1; i < lines.size(); ++i) print_line(lines[i]);
}

}  // namespace soastore::bench
