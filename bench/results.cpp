#include "bench/results.hpp"

#include <algorithm>

namespace soastore::bench {
namespace {

const std::vector<PhaseSample> kNone;

}  // namespace

void Results::add(const std::string& contender, const std::string& op, const PhaseSample& sample) {
  samples_[{contender, op}].push_back(sample);
}

void Results::fail(const std::string& contender, const std::string& message) {
  failures_.emplace(contender, message);
}

const std::vector<PhaseSample>& Results::samples(const std::string& contender, const std::string& op) const {
  const auto found = samples_.find({contender, op});
  return found == samples_.end() ? kNone : found->second;
}

std::optional<double> Results::speedup(const std::string& contender, const std::string& op,
                                       const std::string& baseline, const std::string& baseline_op) const {
  return paired_ratio(contender, op, baseline, baseline_op, &PhaseSample::seconds);
}

std::optional<double> Results::cpu_speedup(const std::string& contender, const std::string& op,
                                           const std::string& baseline, const std::string& baseline_op) const {
  return paired_ratio(contender, op, baseline, baseline_op, &PhaseSample::cpu_seconds);
}

std::optional<double> Results::paired_ratio(const std::string& contender, const std::string& op,
                                            const std::string& baseline, const std::string& baseline_op,
                                            double PhaseSample::*figure) const {
  if (failed(contender) || failed(baseline)) return std::nullopt;
  const auto& mine = samples(contender, op);
  const auto& theirs = samples(baseline, baseline_op);
  std::vector<double> ratios;
  for (std::size_t rep = 0; rep < std::min(mine.size(), theirs.size()); ++rep) {
    if (mine[rep].*figure > 0) ratios.push_back(theirs[rep].*figure / mine[rep].*figure);
  }
  if (ratios.empty()) return std::nullopt;
  return summarize(ratios).median;
}

std::optional<double> Results::time_ratio(const std::string& contender, const std::string& op,
                                          const std::string& reference_op) const {
  // speedup() divides the second's seconds by the first's.
  return speedup(contender, reference_op, contender, op);
}

Summary Results::summary(const std::string& contender, const std::string& op,
                         const std::function<double(const PhaseSample&)>& figure) const {
  std::vector<double> values;
  for (const PhaseSample& sample : samples(contender, op)) values.push_back(figure(sample));
  return summarize(values);
}

Row Results::row(const std::string& workload, const std::string& contender, const std::string& op, Figure figure,
                 double bytes_per_rank, int nranks) const {
  Row row;
  row.workload = workload;
  row.contender = contender;
  row.op = op;
  row.figure = figure;
  row.bytes_per_rank = bytes_per_rank;
  row.nranks = nranks;
  if (const auto failure = failures_.find(contender); failure != failures_.end()) {
    row.failure = failure->second;
    return row;
  }
  const auto& all = samples(contender, op);
  std::vector<double> seconds, files;
  double extra = 0;
  for (const PhaseSample& sample : all) {
    seconds.push_back(sample.seconds);
    files.push_back(static_cast<double>(sample.files_created));
    extra = std::max(extra, static_cast<double>(sample.extra_memory) / (1024.0 * 1024.0));
  }
  row.seconds = summarize(seconds);
  if (!all.empty()) {
    row.extra_mib = extra;
    row.files = static_cast<long>(summarize(files).median);
  }
  return row;
}

}  // namespace soastore::bench
