#pragma once
// The background option: a Storage over a file storage that returns from set once the write is
// queued, and writes on a thread of its own. In the spirit of Dask's SpillBuffer, a small policy
// over a plain storage: the file storages stay synchronous and know nothing of threads; this
// wrapper only decides when their serial parts run and when their outcome is reported.
//
// Why one writer thread per store: a write is long system calls on one file after another; a
// thread sleeps in the kernel meanwhile and costs nothing, while the caller computes the next
// value. One thread keeps a store's writes and removes in the order they were asked for (a
// remove after a set of the same key deletes what that set wrote), with no locking between
// writes. The thread calls no MPI function (MPI is initialised without MPI_THREAD_MULTIPLE
// guarantees) and touches only the jobs handed to it under `mutex_`, and, through them, the
// serial parts the wrapped storage made (StagedStorage::Work), which own what they use.
//
// Outcomes. The caller's thread reports finished jobs at the start of every operation and at
// flush ("settling"), unless no job was queued since the last report: per rank (NumpyStore) it
// raises the first failure; for a collective storage (GenericIOStore) the ranks agree in one
// round, for each unreported job, whether every rank has finished it and whether it failed
// anywhere (the jobs are the same on every rank, queued by the same collective calls, so a rank
// with none unreported knows that every rank has none and skips the round); rank 0 renames each
// ".partial" that every rank completed, the ranks agree which renames failed (a second round,
// only when there was a rename), and the first failure is raised on every rank with its class
// and details (mpi::agree_on_error). So a file becomes visible under its final name only after
// every rank wrote its part, and a failed write or rename leaves the previous file alone.
//
// Reads of a key whose write is queued or running wait for that write (and, collectively, for
// the agreement on it), then read the file. A value whose background write failed stays in
// memory (also when only its rename failed, on every rank alike): the job keeps the caller's
// arrays, and reads serve them until the key is set again or removed. The held arrays of a
// successful per-rank write are released on the writer thread right after the write, so memory
// is freed as soon as the data is on disk (a Python-owned buffer's deleter takes the GIL itself
// there; no caller waits for the writer while holding the GIL). A collective write keeps them
// until the ranks agreed it succeeded everywhere and was renamed (another rank's part or the
// rename may fail, and then every rank serves the value from memory): they go at the next
// collective call or flush after the write.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "soastore/partition.hpp"
#include "stores/staged_storage.hpp"

namespace soastore::stores {

class BackgroundStorage final : public Storage {
 public:
  // `bytes_in_flight`: a write waits in set while the arrays of queued and running writes plus
  // its own would exceed it (unless nothing is in flight).
  BackgroundStorage(std::unique_ptr<StagedStorage> inner, Partition partition, std::uint64_t bytes_in_flight);
  ~BackgroundStorage() override;
  BackgroundStorage(const BackgroundStorage&) = delete;
  BackgroundStorage& operator=(const BackgroundStorage&) = delete;

  [[nodiscard]] bool collective() const noexcept override { return inner_->collective(); }
  void write(const std::string& key, const SoA& soa) override;
  SoA read(const std::string& key, const std::vector<std::string>* fields) override;
  LazySoA open(const std::string& key, const npz::LoadOptions& options) override;
  void erase(const std::string& key) override;
  void discard(const std::string& key) noexcept override;
  void flush() override;
  void quiesce(bool cancel) noexcept override;
  // The inner storage's files, plus the arrays held in memory: of writes in flight and of values
  // whose write failed.
  void add_stats(StoreStats& stats) const override;

  // For BudgetStorage (stores/budget_storage.hpp). A spill is a background write of a value the
  // caller keeps in memory until it is complete: it does not count against the bytes in flight
  // (its memory is the budget's), and its failure is not raised but handed back as an outcome
  // (collectively: agreed, as every job's), the value staying the caller's to keep.
  struct SpillOutcome {
    std::string key;
    std::uint64_t sequence = 0;  // spill()'s
    std::exception_ptr error;    // null: the file is complete
  };
  // Queues the spill of `key`; returns its sequence number. Throws as write() before queuing.
  std::uint64_t spill(const std::string& key, const SoA& soa);
  // The outcomes of spills reported since the last call, in order.
  [[nodiscard]] std::vector<SpillOutcome> take_spill_outcomes();
  // Reports the jobs finished by now (collective for a collective storage).
  void poll() { settle(); }
  // Waits for every spill queued so far and reports it (collective for a collective storage).
  void wait_for_spills() { settle(last_spill_); }
  // Writes `key` on the caller's thread, after every job queued so far: set without background.
  void write_now(const std::string& key, const SoA& soa);

  // For tests: bytes of queued and running writes.
  [[nodiscard]] std::uint64_t bytes_in_flight() const;

 private:
  struct Job {
    std::uint64_t sequence = 0;
    std::string key;
    bool is_write = true;       // else an erase
    bool is_spill = false;      // a write whose failure becomes a SpillOutcome
    std::uint64_t bytes = 0;    // counted against the bound until done
    // Touched by the writer thread only until `done`, by the caller's thread only after.
    StagedStorage::Work work;   // released by the writer after running
    SoA held;                   // the caller's arrays; released after a successful write (collectively: once agreed)
    // Guarded by mutex_.
    bool cancelled = false;
    bool done = false;
    std::exception_ptr error;
  };

  // Reports finished jobs (see above); first waits until every job up to `through` (a sequence
  // number) is done. Collective for a collective storage when any job is unreported. Throws the
  // first failure.
  void settle(std::optional<std::uint64_t> through = std::nullopt);
  // Waits until the latest write of `key`, if one is not yet reported, is, so that the key's
  // file is complete (or its value kept in memory).
  void settle_key(const std::string& key);
  // Queues the background write of `key` (a spill: see SpillOutcome); returns its sequence.
  std::uint64_t queue_write(const std::string& key, const SoA& soa, bool is_spill);
  // Queues a job, first waiting for room when it carries bytes.
  void wait_for_room(std::uint64_t bytes);
  void push(std::shared_ptr<Job> job);
  void run_writer(const std::stop_token& stop);
  [[nodiscard]] std::uint64_t kept_bytes() const;

  std::unique_ptr<StagedStorage> inner_;
  Partition partition_;
  std::uint64_t bound_;

  // The caller's thread only.
  std::deque<std::shared_ptr<Job>> reported_not_yet_;         // every job not yet reported, in order
  std::map<std::string, std::uint64_t, std::less<>> latest_;   // key -> its latest unreported write
  std::map<std::string, SoA, std::less<>> kept_;               // values whose background write failed
  std::uint64_t next_sequence_ = 1;
  std::uint64_t last_spill_ = 0;
  std::vector<SpillOutcome> spill_outcomes_;
  std::uint64_t peak_held_ = 0;  // of bytes in flight plus kept_, as of each push

  // Shared with the writer thread.
  mutable std::mutex mutex_;
  std::condition_variable_any work_ready_;  // the writer waits for jobs (or stop)
  std::condition_variable_any job_done_;    // callers wait for jobs to finish
  std::deque<std::shared_ptr<Job>> queue_;  // jobs not yet started
  std::uint64_t in_flight_ = 0;
  bool running_ = false;

  std::jthread writer_;  // last: starts after, and stops (joins) before, everything above
};

}  // namespace soastore::stores
