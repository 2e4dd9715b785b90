#pragma once
// The samples of one workload, per contender and operation and repetition, and the rows they
// make. Ratios pair repetitions: contender and baseline ran back to back in the same
// repetition, so a ratio of the pair cancels most of the machine's drift.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bench/phase.hpp"
#include "bench/table.hpp"

namespace soastore::bench {

class Results {
 public:
  void add(const std::string& contender, const std::string& op, const PhaseSample& sample);
  // Records that `contender` threw: its rows show `message` instead of figures.
  void fail(const std::string& contender, const std::string& message);
  [[nodiscard]] bool failed(const std::string& contender) const { return failures_.count(contender) != 0; }

  [[nodiscard]] const std::vector<PhaseSample>& samples(const std::string& contender, const std::string& op) const;
  // Median over repetitions of baseline seconds / contender seconds (for equal bytes: the
  // contender's throughput as a multiple of the baseline's); nothing if either is missing.
  [[nodiscard]] std::optional<double> speedup(const std::string& contender, const std::string& op,
                                              const std::string& baseline, const std::string& baseline_op) const;
  // The same for CPU time instead of wall time.
  [[nodiscard]] std::optional<double> cpu_speedup(const std::string& contender, const std::string& op,
                                                  const std::string& baseline, const std::string& baseline_op) const;
  // Median over repetitions of (contender, op) seconds / (contender, reference_op) seconds.
  [[nodiscard]] std::optional<double> time_ratio(const std::string& contender, const std::string& op,
                                                 const std::string& reference_op) const;
  // Median and range over repetitions of `figure` of (contender, op); all zero without samples.
  [[nodiscard]] Summary summary(const std::string& contender, const std::string& op,
                                const std::function<double(const PhaseSample&)>& figure) const;
  // The row of (contender, op) with its time summary, memory and files filled in.
  [[nodiscard]] Row row(const std::string& workload, const std::string& contender, const std::string& op,
                        Figure figure, double bytes_per_rank, int nranks) const;

 private:
  [[nodiscard]] std::optional<double> paired_ratio(const std::string& contender, const std::string& op,
                                                   const std::string& baseline, const std::string& baseline_op,
                                                   double PhaseSample::*figure) const;

  std::map<std::pair<std::string, std::string>, std::vector<PhaseSample>> samples_;
  std::map<std::string, std::string> failures_;
};

}  // namespace soastore::bench
