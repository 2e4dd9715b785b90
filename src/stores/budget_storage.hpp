#pragma once
// The memory_budget option: keeps values in memory while they fit in a budget and spills the
// least recently used to files in the background when they do not (docs/budget.md). Like Dask's
// SpillBuffer (zict), a small policy over two plain storages: the caller's arrays in a map here,
// and a BackgroundStorage over the store's file storage, which does all writing, ordering and
// failure agreement. It also enforces memory_limit, with or without a budget.
//
// Spilling. After a set has made the bytes held exceed the budget, the least recently used
// values in memory (set, get, get_field and open count as uses) are queued as background writes
// until the values not being spilled fit in the target (spill_target of the budget; the gap is
// the hysteresis). A spilled value stays readable from memory until its file is complete; the
// first store call after that releases it. A value larger than the whole budget goes straight to
// disk. A get of a spilled key reads the file and does not bring the value back into memory:
// haccytrees reads each (field, step) once, so bringing it back would only evict a value that is
// still to be read.
//
// Failures. A spill that fails (a full disk) keeps the value in memory, counts it, and warns once
// per store (soastore/warnings.hpp); the caller's call succeeds. memory_limit is what protects the
// job then: a set that would exceed it waits for running spills and raises MemoryLimitExceeded if
// the values still would not fit, before anything of the key changed.
//
// Collective stores (GenericIOStore) write every file collectively, so every rank must make the
// same decisions. The ranks see the same calls in the same order, so the keys in memory and their
// order of use are the same everywhere; only their sizes differ. Each set agrees, in one
// MPI_Allreduce(MAX), on whether the value goes straight to disk (too large on any rank), how
// many values to spill (the most any rank needs) and whether the limit is exceeded anywhere.
// Spill outcomes arrive agreed from the BackgroundStorage, so the places of the keys stay the same
// on every rank.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "soastore/partition.hpp"
#include "soastore/store.hpp"
#include "stores/background_storage.hpp"
#include "stores/memory_storage.hpp"

namespace soastore::stores {

class BudgetStorage final : public Storage {
 public:
  struct Limits {
    std::optional<std::uint64_t> budget;      // spill above it (only with a disk)
    std::uint64_t target = 0;                 // spill down to it
    std::optional<std::uint64_t> hard_limit;  // memory_limit
  };

  // `disk` may be null: no temporary_path, then only the hard limit applies. `background`: a
  // value larger than the budget is written in the background (else before set returns).
  // `validate` and `collective` as for MemoryStorage (values are checked before they are kept).
  BudgetStorage(MemoryStorage::Validator validate, Partition partition, bool collective,
                std::unique_ptr<BackgroundStorage> disk, bool background, Limits limits);

  [[nodiscard]] bool collective() const noexcept override { return collective_; }
  void write(const std::string& key, const SoA& soa) override;
  SoA read(const std::string& key, const std::vector<std::string>* fields) override;
  LazySoA open(const std::string& key, const npz::LoadOptions& options) override;
  void erase(const std::string& key) override;
  void discard(const std::string& key) noexcept override;
  void flush() override;
  void quiesce(bool cancel) noexcept override;
  void add_stats(StoreStats& stats) const override;

 private:
  enum class Place { Memory, Spilling, Disk };
  struct Entry {
    Place place = Place::Memory;
    SoA value;                      // in memory (also while spilling)
    std::uint64_t bytes = 0;        // this rank's
    std::uint64_t last_use = 0;     // the same on every rank of a collective store
    std::uint64_t spill_sequence = 0;  // of the background write spilling it
  };
  // What one set needs, decided on this rank (then agreed, for a collective store).
  struct Plan {
    bool invalid = false;      // the value failed validation (set raises)
    bool to_disk = false;
    std::uint64_t spills = 0;  // least recently used values to spill
    bool over_limit = false;
    // Spills still running would leave the new value beyond the budget: wait for them first.
    // This is the budget's back-pressure: spills that cannot keep up slow the sets down instead
    // of letting what is held grow.
    bool wait_for_spills = false;
  };

  [[nodiscard]] Plan plan_set(const std::string& key, std::uint64_t bytes) const;
  // Collectively: the plan every rank follows (the most any rank needs), in one allreduce. Per
  // rank: `local`.
  [[nodiscard]] Plan agree(const Plan& local) const;
  // Validates `soa` and plans its set. Collectively, a value invalid on any rank raises the same
  // error on every rank (the agreement on the plan tells all ranks; the error's text follows).
  [[nodiscard]] Plan validate_and_plan(const std::string& key, const SoA& soa) const;
  // The keys of the values in memory and not being spilled, other than `except`, least recently
  // used first: what plan_set counts and spill_least_recently_used spills, in one order.
  [[nodiscard]] std::vector<const std::string*> spill_candidates(const std::string& except) const;
  // Spills the `count` least recently used values in memory other than `except`.
  void spill_least_recently_used(std::uint64_t count, const std::string& except);
  // Applies the outcomes of finished spills (the disk reports them agreed).
  void absorb_spill_outcomes();
  // Lets go of the current value of `key` (memory or file), as a new value replaces it.
  void drop(const std::string& key);
  void touch(Entry& entry) { entry.last_use = ++clock_; }
  void note_peak() { peak_held_ = std::max(peak_held_, held_); }

  MemoryStorage::Validator validate_;
  Partition partition_;
  bool collective_;
  std::unique_ptr<BackgroundStorage> disk_;
  bool background_;
  Limits limits_;

  std::map<std::string, Entry, std::less<>> entries_;
  std::uint64_t held_ = 0;      // bytes of the values in memory, spilling ones included
  std::uint64_t spilling_ = 0;  // bytes of the values being spilled
  std::uint64_t peak_held_ = 0;
  std::uint64_t clock_ = 0;
  std::uint64_t spills_ = 0;
  std::uint64_t spill_failures_ = 0;
};

}  // namespace soastore::stores
