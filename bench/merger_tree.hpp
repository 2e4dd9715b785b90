#pragma once
// The merger-tree pattern on one store: a pipeline stores every snapshot step, later reads each
// step (whole, if asked, then) field by field, and finally drops them all. `soastore bench`
// (workload 2) times each operation over all steps as one phase against the raw baselines;
// `soastore demo` times every step and every field read on its own and checks every value.

#include <functional>
#include <string>
#include <vector>

#include "bench/contender.hpp"
#include "bench/phase.hpp"

namespace soastore::bench {

struct MergerTreePlan {
  int steps = 0;
  // The SoA of step `step`. With whole phases every step's SoA is made before the set phase; step
  // by step, each is made just before its own set and dropped after it. Never timed.
  std::function<SoA(int step)> data;
  std::vector<std::string> fields;  // read one by one, in this order, in every step
  bool whole_get = false;           // also read every step whole, before the field reads
  // Whole phases (false): one phase per operation over all steps, `check` runs inside it (keep
  // it cheap). Step by step (true): a phase per step's set and get and per (step, field) read,
  // `check` outside them; remove is one phase either way.
  bool step_by_step = false;
  // Sees every result of get (`field` empty) and get_field; may throw to end the run. Optional.
  std::function<void(int step, const std::string& field, const SoA& result)> check;
  // What the pipeline does between two sets (a compute phase), after each step's set. Optional.
  // With whole phases it runs inside the set phase, so a store that writes in the background
  // can overlap it; step by step it runs between the step's set phase and the next.
  std::function<void(int step)> after_set;
};

// One step's phases, step by step.
struct MergerTreeStep {
  PhaseSample set;
  PhaseSample get;                  // when whole_get
  std::vector<PhaseSample> fields;  // get_field, in plan.fields order
};

struct MergerTreeSample {
  // Each operation over all steps; step by step, the steps' phases in sequence.
  PhaseSample set, get, get_field, remove;
  // The slowest rank's time inside the set calls alone (what the caller waits for), without
  // after_set; step by step, the set phases' time.
  double set_call_seconds = 0;
  std::vector<MergerTreeStep> steps;  // step by step only
};

// The key step `step` is stored under.
[[nodiscard]] std::string merger_tree_key(int step);

// Runs the pattern on `store`, which holds none of the steps' keys before and holds none after.
[[nodiscard]] MergerTreeSample run_merger_tree(Contender& store, const MergerTreePlan& plan, const PhaseContext& phase);

}  // namespace soastore::bench
