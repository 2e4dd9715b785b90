#include "stores/budget_storage.hpp"

#include <algorithm>
#include <limits>

#include <mpi.h>

#include "core/describe_exception.hpp"
#include "mpi/collective.hpp"
#include "mpi/mpi_error.hpp"
#include "soastore/errors.hpp"
#include "soastore/warnings.hpp"

namespace soastore::stores {

BudgetStorage::BudgetStorage(MemoryStorage::Validator validate, Partition partition, bool collective,
                             std::unique_ptr<BackgroundStorage> disk, bool background, Limits limits)
    : validate_(std::move(validate)),
      partition_(std::move(partition)),
      collective_(collective),
      disk_(std::move(disk)),
      background_(background),
      limits_(limits) {
  if (!disk_) limits_.budget.reset();  // nowhere to spill to
}

BudgetStorage::Plan BudgetStorage::validate_and_plan(const std::string& key, const SoA& soa) const {
  if (!collective_) {
    validate_(soa);
    return plan_set(key, soa.nbytes());
  }
  std::exception_ptr invalid;
  Plan local;
  try {
    validate_(soa);
    local = plan_set(key, soa.nbytes());
  } catch (...) {
    invalid = std::current_exception();
    local.invalid = true;
  }
  const Plan plan = agree(local);
  if (plan.invalid) mpi::agree_on_error(partition_.comm(), invalid);  // throws on every rank
  return plan;
}

BudgetStorage::Plan BudgetStorage::plan_set(const std::string& key, std::uint64_t bytes) const {
  Plan plan;
  if (limits_.budget && bytes > *limits_.budget) {
    plan.to_disk = true;  // held nowhere but in the file: neither the budget nor the limit applies
    return plan;
  }
  std::uint64_t replaced = 0;  // bytes the new value replaces in memory
  std::uint64_t replaced_spilling = 0;
  if (const auto it = entries_.find(key); it != entries_.end() && it->second.place != Place::Disk) {
    replaced = it->second.bytes;
    if (it->second.place == Place::Spilling) replaced_spilling = replaced;
  }
  const std::uint64_t held_after = held_ - replaced + bytes;
  plan.over_limit = limits_.hard_limit && held_after > *limits_.hard_limit;
  const bool over_budget = limits_.budget && held_after > *limits_.budget;
  plan.wait_for_spills = over_budget && spilling_ > replaced_spilling;
  if (!over_budget && !(plan.over_limit && disk_)) return plan;

  // Spill until what is not being spilled fits the target (and, over the limit, the limit too:
  // the spills' memory goes once their files are complete).
  std::uint64_t goal = limits_.budget ? limits_.target : std::numeric_limits<std::uint64_t>::max();
  if (plan.over_limit) goal = std::min(goal, *limits_.hard_limit);
  std::uint64_t resident = held_after - (spilling_ - replaced_spilling);
  for (const std::string* name : spill_candidates(key)) {
    if (resident <= goal) break;
    resident -= entries_.find(*name)->second.bytes;
    ++plan.spills;
  }
  return plan;
}

std::vector<const std::string*> BudgetStorage::spill_candidates(const std::string& except) const {
  std::vector<const std::string*> names;
  for (const auto& [name, entry] : entries_) {
    if (entry.place == Place::Memory && name != except) names.push_back(&name);
  }
  std::sort(names.begin(), names.end(), [&](const std::string* a, const std::string* b) {
    return entries_.find(*a)->second.last_use < entries_.find(*b)->second.last_use;
  });
  return names;
}

BudgetStorage::Plan BudgetStorage::agree(const Plan& local) const {
  if (!collective_) return local;
  std::uint64_t values[5] = {local.invalid ? 1U : 0U, local.to_disk ? 1U : 0U, local.spills,
                             local.over_limit ? 1U : 0U, local.wait_for_spills ? 1U : 0U};
  mpi::allreduce_in_place(values, 5, MPI_UINT64_T, MPI_MAX, partition_.comm());
  return Plan{values[0] != 0, values[1] != 0, values[2], values[3] != 0, values[4] != 0};
}

void BudgetStorage::spill_least_recently_used(std::uint64_t count, const std::string& except) {
  const std::vector<const std::string*> names = spill_candidates(except);
  for (std::uint64_t i = 0; i < count && i < names.size(); ++i) {
    Entry& entry = entries_.find(*names[i])->second;
    entry.spill_sequence = disk_->spill(*names[i], entry.value);
    entry.place = Place::Spilling;
    spilling_ += entry.bytes;
  }
}

void BudgetStorage::absorb_spill_outcomes() {
  if (!disk_) return;
  disk_->poll();
  for (BackgroundStorage::SpillOutcome& outcome : disk_->take_spill_outcomes()) {
    const auto it = entries_.find(outcome.key);
    // A key set again or removed since: its spill no longer decides anything.
    if (it == entries_.end() || it->second.place != Place::Spilling || it->second.spill_sequence != outcome.sequence) {
      continue;
    }
    Entry& entry = it->second;
    spilling_ -= entry.bytes;
    entry.spill_sequence = 0;
    if (outcome.error) {
      entry.place = Place::Memory;
      if (spill_failures_++ == 0) {
        warn("spilling key '" + outcome.key + "' to disk failed, so its value stays in memory: " +
             describe_exception(outcome.error) + " (later spill failures are only counted: stats().spill_failures)");
      }
      continue;
    }
    entry.place = Place::Disk;
    entry.value = SoA{};
    held_ -= entry.bytes;
    ++spills_;
  }
}

void BudgetStorage::drop(const std::string& key) {
  const auto it = entries_.find(key);
  if (it == entries_.end()) return;
  Entry& entry = it->second;
  if (entry.place != Place::Disk) held_ -= entry.bytes;
  if (entry.place == Place::Spilling) spilling_ -= entry.bytes;
  if (entry.place != Place::Memory) disk_->erase(key);
  entries_.erase(it);
}

void BudgetStorage::write(const std::string& key, const SoA& soa) {
  absorb_spill_outcomes();
  const std::uint64_t bytes = soa.nbytes();
  Plan plan = validate_and_plan(key, soa);
  if (disk_ && (plan.over_limit || plan.wait_for_spills)) {
    // Make room: over the limit, spill what the plan says first; then wait until the files being
    // written are complete, which releases their memory, and plan again.
    if (plan.over_limit) spill_least_recently_used(plan.spills, key);
    disk_->wait_for_spills();
    absorb_spill_outcomes();
    plan = agree(plan_set(key, bytes));
  }
  if (plan.over_limit) {
    std::exception_ptr local;
    if (plan_set(key, bytes).over_limit) {
      local = std::make_exception_ptr(MemoryLimitExceeded(
          "storing " + std::to_string(bytes) + " bytes would hold " +
          std::to_string(held_ + bytes) + " bytes in memory, above memory_limit " +
          std::to_string(*limits_.hard_limit) + (disk_ ? " even after spilling" : "") + "; the earlier value is kept",
          ErrorDetails{0, {}, partition_.rank()}));
    }
    if (!collective_) std::rethrow_exception(local);
    mpi::agree_on_error(partition_.comm(), local);  // throws on every rank: the flag was agreed
  }
  if (plan.to_disk) {
    if (background_) {
      disk_->write(key, soa);
    } else {
      disk_->write_now(key, soa);
    }
    const auto it = entries_.find(key);
    Entry& entry = it == entries_.end() ? entries_[key] : it->second;
    if (entry.place != Place::Disk) held_ -= entry.bytes;
    if (entry.place == Place::Spilling) spilling_ -= entry.bytes;
    entry = Entry{Place::Disk, SoA{}, bytes, ++clock_, 0};
    return;
  }
  drop(key);
  Entry& entry = entries_[key];
  entry.value = soa;
  entry.bytes = bytes;
  touch(entry);
  held_ += bytes;
  note_peak();
  spill_least_recently_used(plan.spills, key);
}

SoA BudgetStorage::read(const std::string& key, const std::vector<std::string>* fields) {
  absorb_spill_outcomes();
  Entry& entry = entries_.at(key);  // the engine checked the key exists
  if (entry.place == Place::Disk) return disk_->read(key, fields);
  touch(entry);
  return fields == nullptr ? entry.value : select_fields(entry.value, *fields, key);
}

LazySoA BudgetStorage::open(const std::string& key, const npz::LoadOptions& options) {
  absorb_spill_outcomes();
  Entry& entry = entries_.at(key);
  if (entry.place == Place::Disk) return disk_->open(key, options);
  touch(entry);
  return LazySoA(entry.value);
}

void BudgetStorage::erase(const std::string& key) {
  absorb_spill_outcomes();
  drop(key);
}

void BudgetStorage::discard(const std::string& key) noexcept {
  entries_.erase(key);
  if (disk_) disk_->discard(key);
}

void BudgetStorage::flush() {
  if (!disk_) return;
  disk_->flush();
  absorb_spill_outcomes();
}

void BudgetStorage::quiesce(bool cancel) noexcept {
  if (disk_) disk_->quiesce(cancel);
}

void BudgetStorage::add_stats(StoreStats& stats) const {
  stats.bytes_in_memory += held_;
  stats.peak_bytes_in_memory = std::max(stats.peak_bytes_in_memory, peak_held_);
  for (const auto& [key, entry] : entries_) {
    if (entry.place != Place::Disk) ++stats.keys_in_memory;
    if (entry.place != Place::Memory) {
      ++stats.keys_on_disk;
      stats.bytes_on_disk += entry.bytes;
    }
  }
  stats.spills += spills_;
  stats.spill_failures += spill_failures_;
  if (!disk_) return;
  // From the disk: its transfers, and the memory its own writes hold (values too large for the
  // budget, in flight). Which keys are on disk is known here: a failed spill leaves its key in
  // memory, whatever its file storage saw.
  StoreStats disk;
  disk_->add_stats(disk);
  stats.bytes_in_memory += disk.bytes_in_memory;
  stats.disk_reads += disk.disk_reads;
  stats.bytes_written += disk.bytes_written;
  stats.bytes_read += disk.bytes_read;
  stats.seconds_writing += disk.seconds_writing;
  stats.seconds_reading += disk.seconds_reading;
}

}  // namespace soastore::stores
