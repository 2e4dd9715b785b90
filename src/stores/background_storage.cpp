#include "stores/background_storage.hpp"

#include <algorithm>
#include <climits>
#include <cstdio>
#include <utility>

#include <mpi.h>

#include "core/describe_exception.hpp"
#include "mpi/collective.hpp"
#include "mpi/mpi_error.hpp"
#include "soastore/errors.hpp"
#include "stores/memory_storage.hpp"

namespace soastore::stores {
namespace {

// `error` with `context` put before its message; class and details kept.
std::exception_ptr with_context(const std::exception_ptr& error, const std::string& context) {
  try {
    std::rethrow_exception(error);
  } catch (const Error& e) {
    try {
      throw_with_context(e, context);
    } catch (...) {
      return std::current_exception();
    }
  } catch (...) {
    return std::current_exception();
  }
}

// The failure of a background job, its message naming the job and key.
std::exception_ptr naming_job(const std::exception_ptr& error, const std::string& key, bool is_write) {
  return with_context(error, std::string("background ") + (is_write ? "write" : "remove") + " of key '" + key +
                                 "' failed: ");
}

// A job's state as the ranks agree on it: bits ORed over the ranks.
constexpr int kFailed = 1;   // failed here (its write, remove or rename)
constexpr int kNotDone = 2;  // queued or running here

void or_over_ranks(std::vector<int>& state, MPI_Comm comm) {
  // Often right after this rank's writer finished and before another's did: wait without spinning.
  mpi::allreduce_in_place(state.data(), static_cast<int>(state.size()), MPI_INT, MPI_BOR, comm);
}

void print_unreported(const std::exception_ptr& error) {
  std::fprintf(stderr, "soastore: unreported failure at close: %s\n", describe_exception(error).c_str());
}

}  // namespace

BackgroundStorage::BackgroundStorage(std::unique_ptr<StagedStorage> inner, Partition partition,
                                     std::uint64_t bytes_in_flight)
    : inner_(std::move(inner)),
      partition_(std::move(partition)),
      bound_(bytes_in_flight),
      writer_([this](const std::stop_token& stop) { run_writer(stop); }) {}

BackgroundStorage::~BackgroundStorage() { quiesce(true); }

void BackgroundStorage::run_writer(const std::stop_token& stop) {
  std::unique_lock lock(mutex_);
  while (true) {
    if (!work_ready_.wait(lock, stop, [&] { return !queue_.empty(); })) return;  // stop, nothing queued
    std::shared_ptr<Job> job = std::move(queue_.front());
    queue_.pop_front();
    const bool cancelled = job->cancelled;
    running_ = true;
    lock.unlock();
    // No lock held from here: the system calls sleep in the kernel, and releasing the arrays may
    // run a Python deleter that takes the GIL.
    std::exception_ptr error;
    if (!cancelled) {
      try {
        job->work();
      } catch (...) {
        error = std::current_exception();
      }
    }
    job->work = nullptr;
    // On disk: the memory goes now (a failure keeps it for reads). A collective write is kept
    // until the ranks agreed, since another rank's part may still fail.
    if (!error && !inner_->collective()) job->held = SoA{};
    lock.lock();
    job->error = error;
    job->done = true;
    running_ = false;
    in_flight_ -= job->bytes;
    job_done_.notify_all();
  }
}

std::uint64_t BackgroundStorage::bytes_in_flight() const {
  const std::lock_guard lock(mutex_);
  return in_flight_;
}

void BackgroundStorage::wait_for_room(std::uint64_t bytes) {
  std::unique_lock lock(mutex_);
  // Only this rank's writer drains the queue and it needs no other rank, so waiting here cannot
  // deadlock a collective store.
  job_done_.wait(lock, [&] { return in_flight_ == 0 || in_flight_ + bytes <= bound_; });
}

void BackgroundStorage::push(std::shared_ptr<Job> job) {
  reported_not_yet_.push_back(job);
  const std::lock_guard lock(mutex_);
  in_flight_ += job->bytes;
  peak_held_ = std::max(peak_held_, in_flight_ + kept_bytes());
  queue_.push_back(std::move(job));
  work_ready_.notify_one();
}

void BackgroundStorage::settle(std::optional<std::uint64_t> through) {
  // Nothing queued since the last report: nothing to wait for, agree on or raise. For a
  // collective storage every rank decides this alike without asking the others: the ranks queue
  // the same jobs by the same collective calls and drop the same agreed number of them below, so
  // they hold the same unreported jobs; only how many of those are done differs between ranks.
  if (reported_not_yet_.empty()) return;

  // Each unreported job's state here, and the failure behind kFailed.
  std::vector<int> state(reported_not_yet_.size());
  std::vector<std::exception_ptr> errors(state.size());
  {
    std::unique_lock lock(mutex_);
    if (through) {
      job_done_.wait(lock, [&] {
        return std::all_of(reported_not_yet_.begin(), reported_not_yet_.end(),
                           [&](const std::shared_ptr<Job>& job) { return job->sequence > *through || job->done; });
      });
    }
    for (std::size_t i = 0; i < state.size(); ++i) {
      const Job& job = *reported_not_yet_[i];
      errors[i] = job.error;
      state[i] = !job.done ? kNotDone : job.error ? kFailed : 0;
    }
  }
  const bool collective = inner_->collective();
  const MPI_Comm comm = partition_.comm();
  // One round for both questions: a job is reported once no rank still has it, and failed when it
  // failed on any rank.
  if (collective) or_over_ranks(state, comm);
  // The writer finishes jobs in order, so the finished ones, here and on all ranks, are a prefix.
  const auto done = static_cast<std::size_t>(
      std::find_if(state.begin(), state.end(), [](int s) { return (s & kNotDone) != 0; }) - state.begin());
  if (done == 0) return;
  state.resize(done);

  if (collective) {
    // Rank 0 renames each write that every rank finished. Whether each rename worked is agreed as
    // well, so that every rank keeps the value of one that failed (and drops the others').
    bool published = false;
    for (std::size_t i = 0; i < done; ++i) {
      const Job& job = *reported_not_yet_[i];
      if (state[i] != 0 || !job.is_write) continue;
      published = true;
      try {
        inner_->publish(job.key);
      } catch (...) {
        errors[i] = std::current_exception();
        state[i] = kFailed;
      }
    }
    if (published) or_over_ranks(state, comm);
  }

  std::exception_ptr first_failure;  // of the first job that failed anywhere (null if not here)
  std::size_t failures = 0;
  for (std::size_t i = 0; i < done; ++i) {
    const std::shared_ptr<Job> job = std::move(reported_not_yet_.front());
    reported_not_yet_.pop_front();
    auto latest = latest_.find(job->key);
    const bool is_latest = job->is_write && latest != latest_.end() && latest->second == job->sequence;
    if (is_latest) latest_.erase(latest);
    if (state[i] == 0 && !job->is_spill) continue;
    if (state[i] != 0 && job->is_write && collective) inner_->abandon(job->key);
    if (job->is_spill) {
      // Not raised: the caller (BudgetStorage) keeps the value, and hears of the outcome.
      std::exception_ptr error;
      if (state[i] != 0) {
        error = errors[i] ? naming_job(errors[i], job->key, true)
                          : std::make_exception_ptr(Error("background write of key '" + job->key + "' failed on another rank"));
      }
      spill_outcomes_.push_back(SpillOutcome{job->key, job->sequence, error});
      continue;
    }
    if (failures++ == 0 && errors[i]) first_failure = naming_job(errors[i], job->key, job->is_write);
    if (job->is_write) {
      // The value stays readable from the caller's arrays, unless a later set or remove of the
      // key superseded it (the same on every rank: all decide from the agreed states).
      if (is_latest) kept_[job->key] = std::move(job->held);
    }
  }
  if (failures == 0) return;
  if (failures > 1 && first_failure) {
    first_failure = with_context(first_failure, "(" + std::to_string(failures - 1) + " more background failures) ");
  }
  // Collectively every rank gets here (the states are agreed) and the rank that set the first
  // failed bit holds its failure: every rank throws it.
  if (collective) mpi::agree_on_error(comm, first_failure);
  if (first_failure) std::rethrow_exception(first_failure);
}

std::uint64_t BackgroundStorage::queue_write(const std::string& key, const SoA& soa, bool is_spill) {
  settle();
  // Collectively, two writes of one key would share its ".partial": the earlier one must be
  // complete everywhere first. Per rank the writer runs them in order anyway.
  if (inner_->collective()) settle_key(key);
  // A spill's memory is the budget's, not the bound's: it neither counts nor waits for room.
  const std::uint64_t bytes = is_spill ? 0 : soa.nbytes();
  if (!is_spill) wait_for_room(bytes);
  auto job = std::make_shared<Job>();
  job->work = inner_->stage_write(key, soa);  // collectively: agreed rows and offsets, or an agreed error
  job->sequence = next_sequence_++;
  job->key = key;
  job->bytes = bytes;
  job->is_spill = is_spill;
  job->held = soa;
  kept_.erase(key);
  latest_[key] = job->sequence;
  const std::uint64_t sequence = job->sequence;
  push(std::move(job));
  return sequence;
}

std::uint64_t BackgroundStorage::spill(const std::string& key, const SoA& soa) {
  last_spill_ = queue_write(key, soa, true);
  return last_spill_;
}

std::vector<BackgroundStorage::SpillOutcome> BackgroundStorage::take_spill_outcomes() {
  return std::exchange(spill_outcomes_, {});
}

void BackgroundStorage::write_now(const std::string& key, const SoA& soa) {
  settle(next_sequence_ - 1);
  inner_->write(key, soa);
  kept_.erase(key);
}

void BackgroundStorage::settle_key(const std::string& key) {
  const auto latest = latest_.find(key);
  if (latest != latest_.end()) settle(latest->second);
}

void BackgroundStorage::write(const std::string& key, const SoA& soa) { (void)queue_write(key, soa, false); }

SoA BackgroundStorage::read(const std::string& key, const std::vector<std::string>* fields) {
  settle();
  settle_key(key);
  if (const auto kept = kept_.find(key); kept != kept_.end()) {
    return fields == nullptr ? kept->second : select_fields(kept->second, *fields, key);
  }
  return inner_->read(key, fields);
}

LazySoA BackgroundStorage::open(const std::string& key, const npz::LoadOptions& options) {
  settle();
  settle_key(key);
  if (const auto kept = kept_.find(key); kept != kept_.end()) return LazySoA(kept->second);
  return inner_->open(key, options);
}

void BackgroundStorage::erase(const std::string& key) {
  settle();
  // Collectively, rank 0's writer must not delete the file before the pending write of the key
  // is agreed on (its rename would bring it back); per rank the writer orders them.
  if (inner_->collective()) settle_key(key);
  auto job = std::make_shared<Job>();
  job->work = inner_->stage_erase(key);
  job->sequence = next_sequence_++;
  job->key = key;
  job->is_write = false;
  kept_.erase(key);
  latest_.erase(key);  // a pending write of the key no longer decides what the key holds
  push(std::move(job));
}

void BackgroundStorage::discard(const std::string& key) noexcept {
  kept_.erase(key);
  inner_->discard(key);
}

void BackgroundStorage::flush() { settle(UINT64_MAX); }

void BackgroundStorage::add_stats(StoreStats& stats) const {
  inner_->add_stats(stats);
  stats.bytes_in_memory += bytes_in_flight() + kept_bytes();
  stats.keys_in_memory += kept_.size();
  stats.peak_bytes_in_memory = std::max(stats.peak_bytes_in_memory, peak_held_);
}

std::uint64_t BackgroundStorage::kept_bytes() const {
  std::uint64_t bytes = 0;
  for (const auto& [key, value] : kept_) bytes += value.nbytes();
  return bytes;
}

void BackgroundStorage::quiesce(bool cancel) noexcept {
  {
    std::unique_lock lock(mutex_);
    if (cancel) {
      // Only writes: a remove's key is gone from the store already, so close() will not delete
      // its file; its own job must.
      for (const std::shared_ptr<Job>& job : queue_) job->cancelled = job->is_write;
    }
    job_done_.wait(lock, [&] { return queue_.empty() && !running_; });
  }
  // Nothing runs now. What was not reported cannot be agreed on without the other ranks.
  for (const std::shared_ptr<Job>& job : reported_not_yet_) {
    if (job->error) print_unreported(naming_job(job->error, job->key, job->is_write));
  }
  reported_not_yet_.clear();
  latest_.clear();
  kept_.clear();
  inner_->quiesce(cancel);
}

}  // namespace soastore::stores
