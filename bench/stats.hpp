#pragma once
// Median and range of repeated measurements: the machine is shared and noisy, so the table
// shows the median and the spread rather than a mean that one stalled run can drag.

#include <vector>

namespace soastore::bench {

struct Summary {
  double median = 0;
  double min = 0;
  double max = 0;
};

// Summary of `values`; all zero when empty.
[[nodiscard]] Summary summarize(std::vector<double> values);

}  // namespace soastore::bench
