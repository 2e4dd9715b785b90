// The memory_budget and memory_limit options (issue 13) on 1-4 ranks, for both stores: values
// stay in memory within the budget, the least recently used spill with hysteresis, a value
// larger than the budget goes straight to disk, a value being spilled is read from memory, the
// ranks of a GenericIOStore make the same decisions although they hold different amounts, spills
// that cannot keep up hold the next set back, a full disk (a real small ext4, and ENOSPC injected
// on one rank) keeps the value in memory with one warning, the hard limit raises MemoryLimitExceeded on every rank before anything is lost, and
// stats() counts all of it. Without the options nothing changes (budget none: every value on disk).
#include <gtest/gtest.h>

#include <mpi.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "background_support.hpp"
#include "reliability_support.hpp"
#include "soastore/warnings.hpp"
#include "stores/memory_share.hpp"
#include "support/test_paths.hpp"

using namespace soastore;
using namespace soastore::testing;

namespace {

constexpr std::size_t kRows = 1000;

// The same on every rank, or the test's decisions would differ between ranks by design.
std::uint64_t value_bytes() { return rank_soa(kRows).nbytes(); }

std::uint64_t min_over_ranks(std::uint64_t value) {
  MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_UINT64_T, MPI_MIN, MPI_COMM_WORLD);
  return value;
}
std::uint64_t max_over_ranks(std::uint64_t value) {
  MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD);
  return value;
}

// Counts the warnings issued while it lives.
class CountedWarnings {
 public:
  CountedWarnings()
      : previous_(set_warning_handler([this](const std::string& message) {
          ++count;
          last = message;
        })) {}
  ~CountedWarnings() { set_warning_handler(previous_); }
  CountedWarnings(const CountedWarnings&) = delete;
  CountedWarnings& operator=(const CountedWarnings&) = delete;
  int count = 0;
  std::string last;

 private:
  WarningHandler previous_;
};

template <class Kind>
class MemoryBudget : public ::testing::Test {
 protected:
  using Store = typename Kind::Store;
  Partition partition;
  ScratchDir scratch;
  std::filesystem::path prefix = scratch / "run";

  Store make(StoreOptions options) { return Kind::make(partition, prefix, options); }
  Store make_with_budget(std::uint64_t budget) {
    return make({.memory_budget = MemoryAmount::of_bytes(budget)});
  }
  bool on_disk(Store& store, const std::string& key) {
    store.flush();
    return exists_everywhere(Kind::file(prefix, key));
  }
};

TYPED_TEST_SUITE(MemoryBudget, StoreKinds);

TYPED_TEST(MemoryBudget, LeastRecentlyUsedSpillWithHysteresis) {
  const std::uint64_t unit = value_bytes();
  // Spill above 4.5 values, down to 0.8 of that: 3.6 values.
  auto store = this->make_with_budget(unit * 9 / 2);
  std::vector<SoA> values;
  for (int i = 0; i < 7; ++i) values.push_back(rank_soa(kRows, i));
  for (int i = 0; i < 4; ++i) store.set("k" + std::to_string(i), values[i]);
  EXPECT_EQ(store.stats().spills, 0u);
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(this->on_disk(store, "k" + std::to_string(i))) << i;
  expect_same(store.get("k0"), values[0]);  // k0 is now the most recently used but for none
  store.set("k4", values[4]);               // 5 values held: k1 and k2, the least recently used, go
  EXPECT_TRUE(this->on_disk(store, "k1"));
  EXPECT_TRUE(this->on_disk(store, "k2"));
  EXPECT_FALSE(this->on_disk(store, "k0"));
  EXPECT_FALSE(this->on_disk(store, "k3"));
  StoreStats stats = store.stats();
  EXPECT_EQ(stats.spills, 2u);
  EXPECT_EQ(stats.keys_in_memory, 3u);
  EXPECT_EQ(stats.keys_on_disk, 2u);
  EXPECT_EQ(stats.bytes_in_memory, 3 * unit);
  EXPECT_EQ(stats.bytes_on_disk, 2 * unit);
  // Hysteresis: the spill made room for one more set without spilling again.
  store.set("k5", values[5]);
  EXPECT_EQ(store.stats().spills, 2u);
  store.set("k6", values[6]);  // 5 held again: k3 (set before k0 was read) and k0 go
  EXPECT_TRUE(this->on_disk(store, "k3"));
  EXPECT_TRUE(this->on_disk(store, "k0"));
  EXPECT_FALSE(this->on_disk(store, "k4"));
  EXPECT_EQ(store.stats().spills, 4u);
  // Spilled values read back from their files, and are not brought back into memory.
  for (int i = 0; i < 7; ++i) expect_same(store.get("k" + std::to_string(i)), values[i]);
  expect_same(store.get_field("k1", "mass"), SoA{{"mass", values[1].at("mass")}});
  stats = store.stats();
  EXPECT_EQ(stats.keys_in_memory, 3u);
  EXPECT_EQ(stats.disk_reads, 5u);  // k0..k3 by get, k1 by get_field
  EXPECT_EQ(stats.bytes_read, 4 * unit + values[1].at("mass").nbytes());
  EXPECT_EQ(stats.peak_bytes_in_memory, 5 * unit);
}

TYPED_TEST(MemoryBudget, AValueLargerThanTheBudgetGoesStraightToDisk) {
  const std::uint64_t unit = value_bytes();
  auto store = this->make_with_budget(unit * 3);
  const SoA small = rank_soa(kRows, 1);
  const SoA large = rank_soa(kRows * 4, 2);
  store.set("small", small);
  store.set("large", large);
  EXPECT_TRUE(this->on_disk(store, "large"));
  EXPECT_FALSE(this->on_disk(store, "small"));
  const StoreStats stats = store.stats();
  EXPECT_EQ(stats.spills, 0u);  // not a spill: it never was in memory
  EXPECT_EQ(stats.bytes_in_memory, unit);
  EXPECT_EQ(stats.peak_bytes_in_memory, unit);
  EXPECT_EQ(stats.bytes_written, large.nbytes());
  expect_same(store.get("large"), large);
  // Set again small enough, the key comes back into memory and its file goes.
  store.set("large", small);
  EXPECT_FALSE(this->on_disk(store, "large"));
  expect_same(store.get("large"), small);
}

TYPED_TEST(MemoryBudget, AValueBeingSpilledIsReadFromMemory) {
  const std::uint64_t unit = value_bytes();
  auto store = this->make_with_budget(unit * 3 / 2);
  const SoA first = rank_soa(kRows, 1);
  store.set("first", first);
  {
    ClosedGate gate;
    store.set("second", rank_soa(kRows, 2));  // spills "first": its writer is held at the gate
    gate.wait_entered();
    expect_same(store.get("first"), first);  // does not wait for the file
    EXPECT_EQ(store.stats().bytes_in_memory, 2 * unit);  // the spilled value is held until written
    gate.open();
    store.flush();
  }
  EXPECT_TRUE(this->on_disk(store, "first"));
  EXPECT_EQ(store.stats().bytes_in_memory, unit);  // released once its file was complete
  expect_same(store.get("first"), first);
}

TYPED_TEST(MemoryBudget, SpillsThatCannotKeepUpHoldTheNextSetBack) {
  const std::uint64_t unit = value_bytes();
  auto store = this->make_with_budget(unit * 3 / 2);
  store.set("a", rank_soa(kRows, 1));
  {
    ClosedGate gate;
    store.set("b", rank_soa(kRows, 2));  // spills a, whose write is held at the gate
    gate.wait_entered();
    std::thread opener([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      gate.open();
    });
    // a, b and c would be held at once: the set waits for a's file instead, then spills b.
    store.set("c", rank_soa(kRows, 3));
    opener.join();
    store.flush();
  }
  EXPECT_EQ(store.stats().peak_bytes_in_memory, 2 * unit);
  EXPECT_EQ(store.stats().spills, 2u);
  for (int i = 1; i <= 3; ++i) expect_same(store.get(std::string(1, static_cast<char>('a' + i - 1))), rank_soa(kRows, i));
}

TYPED_TEST(MemoryBudget, RemoveAndPopFindValuesWhereverTheyAre) {
  const std::uint64_t unit = value_bytes();
  auto store = this->make_with_budget(unit * 3 / 2);
  const SoA a = rank_soa(kRows, 1);
  const SoA b = rank_soa(kRows, 2);
  store.set("a", a);
  store.set("b", b);  // spills a
  EXPECT_TRUE(this->on_disk(store, "a"));
  expect_same(store.pop("a"), a);
  expect_same(store.pop("b"), b);
  store.flush();
  EXPECT_TRUE(listing(this->scratch.path()).empty());
  const StoreStats stats = store.stats();
  EXPECT_EQ(stats.keys_in_memory + stats.keys_on_disk, 0u);
  EXPECT_EQ(stats.bytes_in_memory, 0u);
}

TYPED_TEST(MemoryBudget, WithoutABudgetEveryValueIsOnDiskAsBefore) {
  auto store = this->make({});
  EXPECT_FALSE(store.settings().memory_budget.is_set());
  EXPECT_FALSE(store.settings().memory_limit.is_set());
  const SoA value = rank_soa(kRows, 1);
  store.set("k", value);
  EXPECT_TRUE(exists_everywhere(TypeParam::file(this->prefix, "k")));  // no flush needed: synchronous
  StoreStats stats = store.stats();
  EXPECT_EQ(stats.keys_in_memory, 0u);
  EXPECT_EQ(stats.keys_on_disk, 1u);
  EXPECT_EQ(stats.bytes_on_disk, value.nbytes());
  EXPECT_EQ(stats.bytes_written, value.nbytes());
  EXPECT_EQ(stats.spills, 0u);
  expect_same(store.get_field("k", "mass"), SoA{{"mass", value.at("mass")}});
  stats = store.stats();
  EXPECT_EQ(stats.disk_reads, 1u);
  EXPECT_EQ(stats.bytes_read, value.at("mass").nbytes());
  EXPECT_GT(stats.seconds_writing, 0.0);
}

TYPED_TEST(MemoryBudget, InMemoryStatsCountTheCallersArrays) {
  typename TypeParam::Store store = TypeParam::make_in_memory(this->partition, {});
  const SoA value = rank_soa(kRows, 1);
  store.set("a", value);
  store.set("b", value);
  store.remove("a");
  const StoreStats stats = store.stats();
  EXPECT_EQ(stats.keys_in_memory, 1u);
  EXPECT_EQ(stats.bytes_in_memory, value.nbytes());
  EXPECT_EQ(stats.peak_bytes_in_memory, 2 * value.nbytes());
  EXPECT_EQ(stats.keys_on_disk + stats.bytes_written, 0u);
}

TYPED_TEST(MemoryBudget, TheHardLimitRaisesOnEveryRankAndKeepsTheEarlierValue) {
  const std::uint64_t unit = value_bytes();
  // In memory: nowhere to spill, so the limit is all there is.
  typename TypeParam::Store store =
      TypeParam::make_in_memory(this->partition, {.memory_limit = MemoryAmount::of_bytes(unit * 5 / 2)});
  const SoA a = rank_soa(kRows, 1);
  store.set("a", a);
  store.set("b", a);
  // Only the last rank would exceed it: for GenericIOStore every rank raises all the same.
  const bool over_here = world_rank() == world_size() - 1;
  const SoA next = rank_soa(over_here ? 2 * kRows : kRows / 4, 2);
  if (TypeParam::kCollective || over_here) {
    EXPECT_THROW(store.set("a", next), MemoryLimitExceeded);
    expect_same(store.get("a"), a);
  } else {
    store.set("a", next);
  }
  EXPECT_EQ(store.size(), 2u);
}

TYPED_TEST(MemoryBudget, UnderTheHardLimitASetWaitsForSpillsInsteadOfRaising) {
  const std::uint64_t unit = value_bytes();
  auto store = this->make({.memory_budget = MemoryAmount::of_bytes(unit * 3),
                           .memory_limit = MemoryAmount::of_bytes(unit * 3)});
  for (int i = 0; i < 8; ++i) store.set("k" + std::to_string(i), rank_soa(kRows, i));
  const StoreStats stats = store.stats();
  EXPECT_LE(stats.peak_bytes_in_memory, unit * 3);
  EXPECT_GT(stats.spills, 0u);
  for (int i = 0; i < 8; ++i) expect_same(store.get("k" + std::to_string(i)), rank_soa(kRows, i));
}

TYPED_TEST(MemoryBudget, ASpillThatFailsKeepsTheValueWarnsOnceAndCounts) {
  const std::uint64_t unit = value_bytes();
  CountedWarnings warnings;
  auto store = this->make({.memory_budget = MemoryAmount::of_bytes(unit * 3 / 2),
                           .memory_limit = MemoryAmount::of_bytes(unit * 3)});
  std::vector<SoA> values;
  for (int i = 0; i < 3; ++i) values.push_back(rank_soa(kRows, i));
  const bool failed_here = TypeParam::kCollective || world_rank() == world_size() - 1;
  {
    // ENOSPC on the last rank only: a GenericIOStore's spill fails on every rank then.
    const InjectedFaults full({.write_errno = ENOSPC}, world_rank() == world_size() - 1);
    store.set("k0", values[0]);
    store.set("k1", values[1]);  // spills k0: fails
    store.flush();
    store.set("k2", values[2]);  // spills k0 or k1 again: fails again, no second warning
    store.flush();
    for (int i = 0; i < 3; ++i) expect_same(store.get("k" + std::to_string(i)), values[i]);
    // The limit is what protects memory now: nothing more fits, and nothing is lost.
    if (failed_here) {
      EXPECT_THROW(store.set("k3", values[0]), MemoryLimitExceeded);
    } else {
      store.set("k3", values[0]);  // this rank's spills succeed
    }
    store.flush();  // no spill may still be writing when the real system calls come back
  }
  const StoreStats stats = store.stats();
  if (failed_here) {
    EXPECT_GE(stats.spill_failures, 2u);
    EXPECT_EQ(warnings.count, 1);
    EXPECT_NE(warnings.last.find("stays in memory"), std::string::npos) << warnings.last;
  } else {
    EXPECT_EQ(stats.spill_failures, 0u);
  }
  EXPECT_FALSE(any_partial_file(this->scratch.path()));
  // With space back, spilling works again.
  store.set("k3", values[0]);
  store.flush();
  EXPECT_GT(store.stats().spills, 0u);
  for (int i = 0; i < 3; ++i) expect_same(store.get("k" + std::to_string(i)), values[i]);
}

TYPED_TEST(MemoryBudget, ARealSmallDiskFilledBySpillsLosesNothing) {
  if (!loop_devices_available()) GTEST_SKIP() << "no loop devices here (/dev/loop-control): cannot make an ext4 disk";
  Mount disk = Mount::ext4_loop(8);
  SOASTORE_REQUIRE_MOUNT(disk);
  CountedWarnings warnings;
  {
    // 1 MiB per rank and key, a budget of two: spills fill the 8 MiB disk after a few keys.
    const std::size_t rows = (1u << 20) / 20 / static_cast<std::size_t>(world_size());
    auto store = TypeParam::make(this->partition, disk.path() / "run",
                                 {.memory_budget = MemoryAmount::of_bytes(rank_soa(rows).nbytes() * 2)});
    std::vector<SoA> values;
    for (int i = 0; i < 12; ++i) {
      values.push_back(rank_soa(rows, i));
      store.set("k" + std::to_string(i), values.back());
    }
    store.flush();
    const StoreStats stats = store.stats();
    EXPECT_GT(max_over_ranks(stats.spill_failures), 0u) << "the disk never filled up";
    // NumpyStore's ranks race for the space: some rank's spills may all have failed.
    EXPECT_GT(max_over_ranks(stats.spills), 0u);
    for (int i = 0; i < 12; ++i) expect_same(store.get("k" + std::to_string(i)), values[i]);
    EXPECT_FALSE(any_partial_file(disk.path()));
  }
  EXPECT_TRUE(listing(disk.path()).size() <= 1u) << "only lost+found may be left";
}

// GenericIOStore: rank r holds r+1 times as much; the decisions are the most any rank needs.
TEST(MemoryBudgetGenericIO, RanksHoldingDifferentAmountsMakeTheSameSpillDecisions) {
  Partition partition;
  ScratchDir scratch;
  const std::size_t rows = kRows * static_cast<std::size_t>(world_rank() + 1);
  const std::uint64_t rank0_unit = value_bytes();
  GenericIOStore store(partition, 1.0, scratch / "run", {.memory_budget = MemoryAmount::of_bytes(rank0_unit * 4)});
  for (int i = 0; i < 6; ++i) store.set("k" + std::to_string(i), rank_soa(rows, i));
  store.flush();
  const StoreStats stats = store.stats();
  EXPECT_EQ(min_over_ranks(stats.keys_on_disk), max_over_ranks(stats.keys_on_disk));
  EXPECT_EQ(min_over_ranks(stats.spills), max_over_ranks(stats.spills));
  // The rank holding the most stays within the budget, so every rank does.
  EXPECT_LE(max_over_ranks(stats.bytes_in_memory), rank0_unit * 4);
  if (world_size() > 1) {
    // Rank 0 alone would have spilled less (its 6 values fit in 4 units after 2 spills).
    EXPECT_GT(stats.keys_on_disk, 2u);
  }
  for (int i = 0; i < 6; ++i) expect_same(store.get("k" + std::to_string(i)), rank_soa(rows, i));
}

// NumpyStore: each rank decides alone.
TEST(MemoryBudgetNumpy, EachRankSpillsWhatItNeeds) {
  Partition partition;
  ScratchDir scratch;
  const std::size_t rows = kRows * static_cast<std::size_t>(world_rank() + 1);
  NumpyStore store(partition, scratch / "run", {.memory_budget = MemoryAmount::of_bytes(value_bytes() * 4)});
  for (int i = 0; i < 6; ++i) {
    store.set("k" + std::to_string(i), rank_soa(rows, i));
    store.flush();  // each spill done before the next set, as when the caller computes in between
  }
  const StoreStats stats = store.stats();
  EXPECT_LE(stats.bytes_in_memory, value_bytes() * 4);
  // Worked out by hand from the budget of 4 units and the target of 3.2 (units: rank 0's value).
  const std::uint64_t expected_in_memory = world_rank() == 0 ? 4u : (world_rank() == 1 ? 2u : 1u);
  EXPECT_EQ(stats.keys_in_memory, expected_in_memory);
}

TEST(MemoryBudgetOptions, ARanksShareIsTheNodesMemoryOverItsRanksThere) {
  const Partition partition;
  std::ifstream meminfo("/proc/meminfo");
  std::string name;
  std::uint64_t kibibytes = 0;
  meminfo >> name >> kibibytes;
  ASSERT_EQ(name, "MemTotal:");
  MPI_Comm node = MPI_COMM_NULL;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  int ranks_here = 0;
  MPI_Comm_size(node, &ranks_here);
  MPI_Comm_free(&node);
  const std::uint64_t share = stores::rank_memory_share(partition);
  EXPECT_GT(share, 0u);
  // At most the node's memory over its ranks: less when this job's memory cgroup is smaller.
  EXPECT_LE(share, (kibibytes << 10) / static_cast<std::uint64_t>(ranks_here));
  EXPECT_EQ(stores::resolve_memory_amount(MemoryAmount::share(0.25), partition),
            static_cast<std::uint64_t>(0.25 * static_cast<double>(share)));
  EXPECT_EQ(stores::resolve_memory_amount(MemoryAmount::of_bytes(1234), partition), 1234u);
  EXPECT_FALSE(stores::resolve_memory_amount(MemoryAmount{}, partition).has_value());
}

TEST(MemoryBudgetOptions, AFractionOfTheRanksShareResolvesAtConstruction) {
  Partition partition;
  ScratchDir scratch;
  NumpyStore store(partition, scratch / "run", {.memory_budget = MemoryAmount::share(0.5)});
  EXPECT_EQ(store.settings().memory_budget, MemoryAmount::share(0.5));
  // Half of a share is far more than this value: it stays in memory.
  store.set("k", rank_soa(kRows));
  EXPECT_EQ(store.stats().keys_in_memory, 1u);
}

}  // namespace
