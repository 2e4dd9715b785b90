#include "bench/merger_tree.hpp"

#include <chrono>
#include <cstdint>
#include <utility>

namespace soastore::bench {
namespace {

constexpr std::int64_t kNothingReturned = 0;

void check(const MergerTreePlan& plan, int step, const std::string& field, const SoA& result) {
  if (plan.check) plan.check(step, field, result);
}

// One phase per operation over all steps: what the pattern costs a pipeline as a whole.
void run_whole_phases(Contender& store, const MergerTreePlan& plan, const PhaseContext& phase,
                      MergerTreeSample& sample) {
  std::vector<SoA> data;
  for (int step = 0; step < plan.steps; ++step) data.push_back(plan.data(step));
  double in_set = 0;
  sample.set = measure_phase(phase, [&] {
    for (int step = 0; step < plan.steps; ++step) {
      const auto start = std::chrono::steady_clock::now();
      store.set(merger_tree_key(step), data[static_cast<std::size_t>(step)]);
      in_set += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (plan.after_set) plan.after_set(step);
    }
    return kNothingReturned;
  });
  MPI_Allreduce(MPI_IN_PLACE, &in_set, 1, MPI_DOUBLE, MPI_MAX, phase.comm);
  sample.set_call_seconds = in_set;
  data.clear();
  if (plan.whole_get) {
    sample.get = measure_phase(phase, [&] {
      for (int step = 0; step < plan.steps; ++step) check(plan, step, "", store.get(merger_tree_key(step)));
      return kNothingReturned;
    });
  }
  sample.get_field = measure_phase(phase, [&] {
    for (int step = 0; step < plan.steps; ++step) {
      for (const std::string& field : plan.fields) {
        check(plan, step, field, store.get_field(merger_tree_key(step), field));
      }
    }
    return kNothingReturned;
  });
}

// A phase per step's set and get and per (step, field) read, each result checked after its phase.
void run_step_by_step(Contender& store, const MergerTreePlan& plan, const PhaseContext& phase,
                      MergerTreeSample& sample) {
  sample.steps.resize(static_cast<std::size_t>(plan.steps));
  for (int step = 0; step < plan.steps; ++step) {
    const SoA data = plan.data(step);
    sample.steps[static_cast<std::size_t>(step)].set = measure_phase(phase, [&] {
      store.set(merger_tree_key(step), data);
      return kNothingReturned;
    });
    if (plan.after_set) plan.after_set(step);
  }  // each step's SoA is dropped here: only the store holds it now

  SoA result;
  const auto keep = [&](SoA soa) {
    result = std::move(soa);
    return static_cast<std::int64_t>(result.nbytes());  // handed back: data, not overhead
  };
  const auto check_and_drop = [&](int step, const std::string& field) {
    check(plan, step, field, result);
    result = SoA();
  };
  for (int step = 0; step < plan.steps; ++step) {
    MergerTreeStep& timed = sample.steps[static_cast<std::size_t>(step)];
    const std::string key = merger_tree_key(step);
    if (plan.whole_get) {
      timed.get = measure_phase(phase, [&] { return keep(store.get(key)); });
      check_and_drop(step, "");
    }
    for (const std::string& field : plan.fields) {
      timed.fields.push_back(measure_phase(phase, [&] { return keep(store.get_field(key, field)); }));
      check_and_drop(step, field);
    }
  }

  std::vector<PhaseSample> sets, gets, field_reads;
  for (const MergerTreeStep& timed : sample.steps) {
    sets.push_back(timed.set);
    if (plan.whole_get) gets.push_back(timed.get);
    field_reads.insert(field_reads.end(), timed.fields.begin(), timed.fields.end());
  }
  sample.set = in_sequence(sets);
  sample.set_call_seconds = sample.set.seconds;
  sample.get = in_sequence(gets);
  sample.get_field = in_sequence(field_reads);
}

}  // namespace

std::string merger_tree_key(int step) { return "step" + std::to_string(step); }

MergerTreeSample run_merger_tree(Contender& store, const MergerTreePlan& plan, const PhaseContext& phase) {
  MergerTreeSample sample;
  if (plan.step_by_step) {
    run_step_by_step(store, plan, phase, sample);
  } else {
    run_whole_phases(store, plan, phase, sample);
  }
  sample.remove = measure_phase(phase, [&] {
    for (int step = 0; step < plan.steps; ++step) store.remove(merger_tree_key(step));
    return kNothingReturned;
  });
  return sample;
}

}  // namespace soastore::bench
