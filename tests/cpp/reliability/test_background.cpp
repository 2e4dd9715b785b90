// The background option (issue 12) on 1-4 ranks, for both stores: set returns before the data is
// on disk (the writer thread is held inside a gated pwrite, no timing), the held arrays are
// released after the write, reads of keys in flight wait for them, the in-flight bound pushes
// back on set, remove runs in the background in order with writes, failures (ENOSPC injected on
// one rank or all, or a failing rename) are raised typed and naming the key at the next call or
// flush, on every rank for GenericIOStore, the value stays readable from memory and the previous
// file intact, and a store destroyed with writes pending neither hangs nor leaves files.
#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "background_support.hpp"
#include "reliability_support.hpp"
#include "soastore/genericio_mpi.hpp"
#include "stores/background_storage.hpp"
#include "stores/file_names.hpp"
#include "support/mpi_call_counter.hpp"
#include "support/test_paths.hpp"

using namespace soastore;
using namespace soastore::testing;

namespace {

template <class Kind>
class Background : public ::testing::Test {
 protected:
  using Store = typename Kind::Store;
  Partition partition;
  ScratchDir scratch;
  std::filesystem::path prefix = scratch / "run";
  const bool on_last = world_rank() == world_size() - 1;

  Store make(ByteCount bytes = ByteCount{256} << 20) {
    return Kind::make(partition, prefix, {.background = true, .background_bytes = bytes});
  }

  // The failed-replacement tests: key "a" holds `previous` on disk, then a set of `next` fails.
  const std::filesystem::path file_a = Kind::file(prefix, "a");
  const SoA previous = rank_soa(100, 1);
  const SoA next = rank_soa(150, 2);

  void store_previous(Store& store) {
    store.set("a", previous);
    store.flush();
  }

  // With the background write of "a" failing: sets "b" to `next` and flushes. The failure of "a"
  // is raised at that set when it is known by then (on every rank, for GenericIOStore), else at
  // flush. Returns whether it was raised, as an IoError with `error_number` naming key 'a'.
  bool raised_for_a_by_setting_b(Store& store, int error_number) {
    try {
      store.set("b", next);
      store.flush();
    } catch (const IoError& e) {
      EXPECT_EQ(e.error_number(), error_number) << e.what();
      EXPECT_NE(std::string(e.what()).find("background write of key 'a'"), std::string::npos) << e.what();
      return true;
    }
    return false;
  }

  // After the failure: "a" (and "b" if stored) are served from memory, the file of "a" holds
  // `previous` where `file_kept_previous` and `next` elsewhere, and no .partial is left. The store
  // goes on: a new set of the key writes its file.
  void expect_nothing_lost(Store& store, bool file_kept_previous) {
    expect_same(store.get("a"), next);
    if (store.contains("b")) expect_same(store.get("b"), next);
    expect_same(Kind::read_file(file_a), file_kept_previous ? previous : next);
    EXPECT_FALSE(any_partial_file(scratch.path()));
    store.set("a", previous);
    store.flush();
    expect_same(store.get("a"), previous);
    expect_same(Kind::read_file(file_a), previous);
  }
};

TYPED_TEST_SUITE(Background, StoreKinds);

TYPED_TEST(Background, SetReturnsBeforeTheDataIsOnDisk) {
  auto store = this->make();
  EXPECT_TRUE(store.settings().background);
  const SoA value = rank_soa(1000);
  const std::filesystem::path file = TypeParam::file(this->prefix, "k");
  {
    ClosedGate gate;
    store.set("k", value);  // returns although the writer cannot write a byte
    gate.wait_entered();     // the writer thread is held inside its first write
    EXPECT_TRUE(store.contains("k"));
    EXPECT_FALSE(std::filesystem::exists(file));  // nothing under the final name yet
    gate.open();
    store.flush();
  }
  EXPECT_TRUE(exists_everywhere(file));
  EXPECT_FALSE(any_partial_file(this->scratch.path()));
  expect_same(store.get("k"), value);
  expect_same(TypeParam::read_file(file), value);
}

TYPED_TEST(Background, HeldArraysAreReleasedOnceWritten) {
  auto store = this->make();
  auto released = std::make_shared<std::atomic<bool>>(false);
  {
    auto values = new std::vector<double>(500, 2.5);
    std::shared_ptr<const void> owner(values, [released](const std::vector<double>* v) {
      delete v;
      released->store(true);
    });
    SoA soa;
    soa.insert("x", Array::wrap(DType::Float64, {values->size()}, values->data(), std::move(owner)));
    ClosedGate gate;
    store.set("k", soa);
    soa = SoA{};  // the caller lets go: only the store holds the arrays now
    gate.wait_entered();
    EXPECT_FALSE(released->load()) << "the store must hold the arrays until they are written";
    gate.open();
    store.flush();
  }
  EXPECT_TRUE(released->load()) << "the store must release the arrays once they are on disk";
  EXPECT_EQ(store.get("k").at("x").size(), 500u);
}

TYPED_TEST(Background, ReadsOfAKeyInFlightWaitForIt) {
  auto store = this->make();
  const SoA first = rank_soa(300, 1);
  const SoA second = rank_soa(200, 2);
  store.set("k", first);
  store.flush();
  ClosedGate gate;
  store.set("k", second);
  std::thread opener([&] {
    gate.wait_entered();
    gate.open();
  });
  expect_same(store.get("k"), second);  // not the old file: the read waited for the new one
  expect_same(store.get_field("k", "mass"), SoA{{"mass", second.at("mass")}});
  opener.join();
  const SoA popped = store.pop("k");
  expect_same(popped, second);
  store.flush();
  EXPECT_FALSE(exists_everywhere(TypeParam::file(this->prefix, "k")));
}

TYPED_TEST(Background, RemoveRunsInTheBackgroundAfterThePendingWrite) {
  auto store = this->make();
  const std::filesystem::path file = TypeParam::file(this->prefix, "k");
  store.set("k", rank_soa(100));
  store.flush();
  ASSERT_TRUE(exists_everywhere(file));
  {
    ClosedGate gate;
    store.remove("k");
    EXPECT_FALSE(store.contains("k"));  // gone at once
    if (TypeParam::unlinks_here()) {
      gate.wait_entered();  // the writer thread is about to unlink
      EXPECT_TRUE(std::filesystem::exists(file));
    }
    gate.open();
    store.flush();
  }
  EXPECT_FALSE(exists_everywhere(file));
  // A set and a remove of one key, both queued: the file ends up deleted, with no .partial.
  {
    ClosedGate gate;
    store.set("j", rank_soa(100));
    // GenericIOStore's remove waits for the pending write of the key (and the agreement on it);
    // NumpyStore's queues the unlink behind it.
    std::thread opener([&] {
      gate.wait_entered();
      gate.open();
    });
    store.remove("j");
    store.flush();
    opener.join();
  }
  EXPECT_FALSE(exists_everywhere(TypeParam::file(this->prefix, "j")));
  EXPECT_FALSE(any_partial_file(this->scratch.path()));
  EXPECT_TRUE(store.keys().empty());
}

TYPED_TEST(Background, FailedWriteIsRaisedKeepsTheValueInMemoryAndThePreviousFile) {
  for (const bool everywhere : {false, true}) {
    auto store = this->make();
    this->store_previous(store);
    const bool fails_here = everywhere || this->on_last;
    {
      InjectedFaults faults({.write_errno = ENOSPC}, fails_here);
      store.set("a", this->next);  // planned (collectively: agreed rows and offsets) and queued
      // The other ranks' writes go on meanwhile.
      EXPECT_EQ(this->raised_for_a_by_setting_b(store, ENOSPC), TypeParam::kCollective || fails_here);
    }
    // Readable from memory where the write failed. Collectively no rank's file was replaced; per
    // rank only the failing ranks kept the old one.
    this->expect_nothing_lost(store, TypeParam::kCollective || fails_here);
    store.close();
  }
}

TYPED_TEST(Background, FailedRenameIsRaisedKeepsTheValueInMemoryAndThePreviousFile) {
  auto store = this->make();
  this->store_previous(store);
  // GenericIOStore's rank 0 renames, on the caller's thread once the ranks agreed that every part
  // is written; NumpyStore's writer threads rename, so fail it on the last rank.
  const bool renames_here = TypeParam::kCollective ? world_rank() == 0 : this->on_last;
  const bool fails_here = TypeParam::kCollective || renames_here;
  {
    InjectedFaults faults({.rename_errno = EIO}, renames_here);
    store.set("a", this->next);
    // Both renames fail: that of "a" is raised at the set of "b" when its write is done
    // everywhere by then, else at flush, together with that of "b".
    EXPECT_EQ(this->raised_for_a_by_setting_b(store, EIO), fails_here);
  }
  // On every rank alike (the ranks agreed which renames failed).
  this->expect_nothing_lost(store, fails_here);
}

TYPED_TEST(Background, FailureIsRaisedAtTheNextCall) {
  auto store = this->make();
  {
    InjectedFaults faults({.write_errno = ENOSPC}, this->on_last);
    store.set("a", rank_soa(50));
    // get waits for the write of "a" (and, collectively, for the agreement on it), which failed.
    bool raised = false;
    try {
      (void)store.get("a");
    } catch (const IoError& e) {
      raised = true;
      EXPECT_NE(std::string(e.what()).find("background write of key 'a'"), std::string::npos) << e.what();
    }
    EXPECT_EQ(raised, TypeParam::kCollective || this->on_last);
  }
  expect_same(store.get("a"), rank_soa(50));  // reported once; the value is served from memory
  store.flush();                              // nothing left to report
}

TYPED_TEST(Background, BoundedQueuePushesBackOnSet) {
  // One bound, values of different sizes per rank: rank 0 has room for two, rank 1 for one, ranks
  // 2 and 3 hold oversize values, taken one at a time when nothing else is in flight. So the
  // ranks wait at different sets of a collective store, which must not deadlock: a set waits only
  // for its own rank's writer. The storage is built directly, for bytes_in_flight().
  const SoA value = rank_soa(200 * static_cast<std::size_t>(world_rank() + 1));
  const std::uint64_t bound = rank_soa(200).nbytes() * 5 / 2;
  const std::uint64_t room = std::max<std::uint64_t>(1, bound / value.nbytes());
  const std::uint64_t most = std::max<std::uint64_t>(bound, value.nbytes());
  constexpr int kSets = 4;  // the same on every rank: a collective store's sets are collective
  stores::BackgroundStorage storage(TypeParam::storage(this->partition, this->prefix), this->partition, bound);
  {
    ClosedGate gate;
    std::atomic<bool> opened{false};
    // Not a caller of the store (the ranks' calls must stay in step): it only opens the gate, late
    // enough that a set that did not wait would have returned before.
    std::thread opener([&] {
      gate.wait_entered();
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      opened.store(true);
      gate.open();
    });
    for (int i = 0; i < kSets; ++i) {
      storage.write("k" + std::to_string(i), value);
      EXPECT_LE(storage.bytes_in_flight(), most) << "after set " << i;
      // The sets beyond the room must have waited for the writer, which the gate held.
      if (static_cast<std::uint64_t>(i) >= room) {
        EXPECT_TRUE(opened.load()) << "set " << i << " did not wait";
      }
    }
    opener.join();
    storage.flush();
  }
  EXPECT_EQ(storage.bytes_in_flight(), 0u);
  for (int i = 0; i < kSets; ++i) expect_same(storage.read("k" + std::to_string(i), nullptr), value);
  storage.quiesce(false);
  for (int i = 0; i < kSets; ++i) storage.discard("k" + std::to_string(i));
  EXPECT_EQ(listing(this->scratch.path()), std::vector<std::string>{});
}

TYPED_TEST(Background, DestroyedWithWritesPendingNeitherHangsNorLeavesFiles) {
  {
    auto store = this->make();
    for (int i = 0; i < 5; ++i) store.set("k" + std::to_string(i), rank_soa(2000, i));
  }  // no flush: the destructor waits for the running write, skips the rest and deletes the files
  EXPECT_EQ(listing(this->scratch.path()), std::vector<std::string>{});
}

TYPED_TEST(Background, ClosedWithARemovePendingLeavesNoFile) {
  auto store = this->make();
  store.set("j", rank_soa(100));
  store.flush();
  {
    ClosedGate gate;
    store.set("k", rank_soa(100));  // the writer is held inside this write
    store.remove("j");              // queued behind it: "j" is no longer the store's
    std::thread opener([&] {
      gate.wait_entered();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));  // close() has begun by then
      gate.open();
    });
    store.close();  // waits for the write of "k"; the remove of "j" must still run
    opener.join();
  }
  EXPECT_EQ(listing(this->scratch.path()), std::vector<std::string>{});
}

TYPED_TEST(Background, KeepFilesWithFlushLeavesCompleteFiles) {
  {
    auto store = TypeParam::make(this->partition, this->prefix, {.keep_files = true, .background = true});
    store.set("k", rank_soa(100));
    store.flush();
  }
  expect_same(TypeParam::read_file(TypeParam::file(this->prefix, "k")), rank_soa(100));
}

// With nothing pending, a background store costs no collective call beyond what the synchronous
// store's call costs; a pending write costs two rounds at its report (whether every rank finished
// it and whether it failed anywhere, then whether rank 0's rename worked).
TEST(BackgroundCollectives, NothingPendingCostsNoExtraRound) {
  const Partition partition;
  const ScratchDir scratch;
  GenericIOStore plain(partition, 1.0, scratch / "plain");
  GenericIOStore background(partition, 1.0, scratch / "background", {.background = true});
  const SoA value = rank_soa(100);
  for (GenericIOStore* store : {&plain, &background}) {
    store->set("k", value);
    store->set("j", value);
    store->flush();
  }
  const auto cost = [](auto&& operation) {
    const MpiCounts before = mpi_counts();
    operation();
    return (mpi_counts() - before).collective_calls;
  };
  EXPECT_EQ(cost([&] { (void)background.get("k"); }), cost([&] { (void)plain.get("k"); }));
  EXPECT_EQ(cost([&] { (void)background.get_field("k", "mass"); }), cost([&] { (void)plain.get_field("k", "mass"); }));
  EXPECT_EQ(cost([&] { background.flush(); }), 0u);
  EXPECT_LE(cost([&] { background.remove("j"); }), cost([&] { plain.remove("j"); }));
  EXPECT_EQ(cost([&] { background.flush(); }), 1u);  // the remove's report: no rename to agree on
  background.set("k", value);
  EXPECT_EQ(cost([&] { background.flush(); }), 2u);
  expect_same(background.get("k"), value);
}

}  // namespace
