#include "bench/table.hpp"

#include <algorithm>
#include <array>

namespace soastore::bench {

std::string format_cell(const char* pattern, double value) {
  char text[64];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

namespace {

constexpr std::size_t kColumns = 11;
using Cells = std::array<std::string, kColumns>;

// "2.31 GB/s [2.10-2.52]": the median and the range over repetitions. The slowest repetition
// gives the smallest throughput.
std::string per_rank_cell(const Row& row) {
  switch (row.figure) {
    case Figure::Throughput: {
      const auto rate = [&](double seconds) { return seconds > 0 ? row.bytes_per_rank / seconds / 1e9 : 0.0; };
      return format_cell("%.2f GB/s", rate(row.seconds.median)) + format_cell(" [%.2f", rate(row.seconds.max)) +
             format_cell("-%.2f]", rate(row.seconds.min));
    }
    case Figure::Milliseconds:
      return format_cell("%.2f ms", row.seconds.median * 1e3) + format_cell(" [%.2f", row.seconds.min * 1e3) +
             format_cell("-%.2f]", row.seconds.max * 1e3);
    case Figure::Microseconds:
      return format_cell("%.2f us", row.seconds.median * 1e6) + format_cell(" [%.2f", row.seconds.min * 1e6) +
             format_cell("-%.2f]", row.seconds.max * 1e6);
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
    c[4] = format_cell("%.2f GB/s", row.bytes_per_rank * row.nranks / row.seconds.median / 1e9);
  }
  if (row.vs_raw) c[5] = format_cell("%.2f", *row.vs_raw);
  if (row.vs_raw_cpu) c[6] = format_cell("%.2f", *row.vs_raw_cpu);
  if (row.vs_memcpy) c[7] = format_cell("%.2f", *row.vs_memcpy);
  if (row.extra_mib) c[8] = format_cell("%.1f", *row.extra_mib);
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
  TextTable table;
  table.headings = {"workload", "contender", "op", "per rank: median [min-max]", "aggregate", "x raw", "x raw cpu",
                    "x memcpy", "extra MiB", "files", "target"};
  table.numeric = {false, false, false, false, true, true, true, true, true, true, false};
  table.failure_column = 3;
  for (const Row& row : rows) {
    const Cells line = cells(row);
    table.lines.emplace_back(line.begin(), line.end());
    table.failed.push_back(!row.failure.empty());
  }
  print_text_table(out, table);
}

void print_text_table(std::FILE* out, const TextTable& table) {
  const std::size_t columns = table.headings.size();
  const auto numeric = [&](std::size_t i) { return i < table.numeric.size() && table.numeric[i]; };
  const auto failed = [&](std::size_t line) { return line < table.failed.size() && table.failed[line]; };
  const auto cell = [&](const std::vector<std::string>& line, std::size_t i) {
    return i < line.size() ? line[i] : std::string();
  };
  // A failed line's message runs over the figure columns: it does not widen its column.
  std::vector<std::size_t> width(columns, 0);
  for (std::size_t i = 0; i < columns; ++i) width[i] = table.headings[i].size();
  for (std::size_t line = 0; line < table.lines.size(); ++line) {
    for (std::size_t i = 0; i < columns; ++i) {
      if (!(failed(line) && i == table.failure_column)) width[i] = std::max(width[i], cell(table.lines[line], i).size());
    }
  }
  const auto print_line = [&](const std::vector<std::string>& line) {
    std::string text;
    for (std::size_t i = 0; i < columns; ++i) {
      std::string value = cell(line, i);
      // Numbers align right, words left.
      if (value.size() < width[i]) value = numeric(i) ? std::string(width[i] - value.size(), ' ') + value
                                                      : value + std::string(width[i] - value.size(), ' ');
      text += value;
      if (i + 1 < columns) text += "  ";
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    std::fprintf(out, "%s\n", text.c_str());
  };
  print_line(table.headings);
  std::size_t total = 0;
  for (std::size_t w : width) total += w + 2;
  std::fprintf(out, "%s\n", std::string(total - 2, '-').c_str());
  for (const auto& line : table.lines) print_line(line);
}

}  // namespace soastore::bench
