// NumpyStore on disk, on 1 to 4 ranks: each rank's own npz file per key with the reference's
// name, round trips of any dtype and shape (0-d included), get_field, pop, remove, and a failed
// set that keeps the previous value and leaves no stray file.
#include <gtest/gtest.h>
#include <mpi.h>

#include <algorithm>
#include <cerrno>

#include "support/mpi_world.hpp"
#include "io/system_calls.hpp"
#include "npz/npz_test_support.hpp"
#include "soastore/npz.hpp"
#include "soastore/soastore.hpp"
#include "support/test_paths.hpp"

using namespace soastore;
using namespace soastore::testing;

using soastore::testing::world_rank;

namespace {

// Different on every rank: rank r has 3*r rows, so rank 0 has none.
SoA rank_soa(std::uint64_t seed) {
  const auto rows = static_cast<std::size_t>(3 * world_rank());
  const auto s = seed * 100 + static_cast<std::uint64_t>(world_rank());
  SoA soa;
  soa.insert("id", pseudo_random_array(DType::Int64, {rows}, s));
  soa.insert("pos", pseudo_random_array(DType::Float32, {rows, 3}, s + 1));
  soa.insert("flag", pseudo_random_array(DType::Bool, {rows}, s + 2));
  soa.insert("z", pseudo_random_array(DType::Complex128, {}, s + 3));
  soa.insert("h", pseudo_random_array(DType::Float16, {2, 0, 4}, s + 4));
  return soa;
}

void expect_same(const SoA& expected, const SoA& actual) {
  ASSERT_EQ(expected.names(), actual.names());
  for (const auto& [name, array] : expected) EXPECT_TRUE(equal(array, actual.at(name))) << name;
}

std::filesystem::path file_of(const ScratchDir& dir, const std::string& key) {
  return dir / ("store_" + key + ".tmp.rank-" + std::to_string(world_rank()) + ".npz");
}

TEST(NumpyStoreOnDisk, RoundTripsThroughEachRanksOwnFile) {
  ScratchDir dir;
  Partition partition;
  NumpyStore store(partition, dir / "store");
  const SoA first = rank_soa(1);
  store.set("halos", first);
  EXPECT_TRUE(std::filesystem::exists(file_of(dir, "halos")));
  expect_same(first, store.get("halos"));
  // The file is a plain npz of this rank's arrays.
  expect_same(first, npz::load(file_of(dir, "halos")));

  const SoA part = store.get_field("halos", {"z", "id"});
  EXPECT_EQ(part.names(), (std::vector<std::string>{"z", "id"}));
  EXPECT_TRUE(equal(part.at("id"), first.at("id")));
  EXPECT_THROW((void)store.get_field("halos", "nope"), KeyNotFound);

  const SoA second = rank_soa(2);
  store.set("halos", second);
  expect_same(second, store.get("halos"));
  store.set("other", first);
  EXPECT_EQ(store.keys(), (std::vector<std::string>{"halos", "other"}));
  expect_same(first, store.pop("other"));
  EXPECT_FALSE(std::filesystem::exists(file_of(dir, "other")));
  store.remove("halos");
  EXPECT_FALSE(std::filesystem::exists(file_of(dir, "halos")));
  EXPECT_EQ(store.size(), 0u);
  EXPECT_THROW((void)store.get("halos"), KeyNotFound);
  MPI_Barrier(MPI_COMM_WORLD);
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(NumpyStoreOnDisk, FailedSetKeepsThePreviousValueAndNoStrayFile) {
  ScratchDir dir;
  Partition partition;
  NumpyStore store(partition, dir / "store");
  const SoA first = rank_soa(3);
  store.set("k", first);
  {
    io::SystemCalls full = io::os_system_calls();
    full.pwrite = [](int, const void*, size_t, off_t) -> ssize_t { errno = ENOSPC; return -1; };
    full.pwritev = [](int, const iovec*, int, off_t) -> ssize_t { errno = ENOSPC; return -1; };
    io::ScopedSystemCalls inject(full);
    try {
      store.set("k", rank_soa(4));
      ADD_FAILURE() << "set succeeded on a full disk";
    } catch (const IoError& e) {
      EXPECT_EQ(e.error_number(), ENOSPC);
    }
    EXPECT_THROW(store.set("new", rank_soa(4)), IoError);
  }
  EXPECT_FALSE(store.contains("new"));
  expect_same(first, store.get("k"));
  SoA bad;
  bad.insert("a/b", Array::from(std::vector<int>{1}));
  EXPECT_THROW(store.set("k", bad), InvalidData);
  expect_same(first, store.get("k"));
  MPI_Barrier(MPI_COMM_WORLD);
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(entry.path().extension(), ".npz") << entry.path();
  }
}

TEST(NumpyStoreOnDisk, CorruptedFileIsCorruptFile) {
  ScratchDir dir;
  Partition partition;
  NumpyStore store(partition, dir / "store");
  store.set("k", rank_soa(5));
  std::filesystem::resize_file(file_of(dir, "k"), 100);
  EXPECT_THROW((void)store.get("k"), CorruptFile);
}

}  // namespace

// NumpyStore::open: the lazy access numpy.load gives the reference (member by member).
namespace {

SoA two_large_columns() {
  SoA soa;
  soa.insert("a", pseudo_random_array(DType::Float64, {100000 + 7 * static_cast<std::size_t>(world_rank())}, 5));
  soa.insert("b", pseudo_random_array(DType::Int32, {50000}, 6));
  return soa;
}

std::uint64_t bytes_taken(const IoCounters& before, const IoCounters& after) {
  return (after.bytes_read - before.bytes_read) + (after.bytes_mapped - before.bytes_mapped);
}

}  // namespace

TEST(NumpyStoreOnDisk, OpenReadsOnlyTheAskedMember) {
  ScratchDir dir;
  Partition partition;
  NumpyStore store(partition, dir / "store");
  const SoA value = two_large_columns();
  store.set("k", value);

  for (const bool map : {true, false}) {
    const IoCounters opened = io_counters();
    const LazySoA lazy = store.open("k", {.map = map});
    const IoCounters before = io_counters();
    EXPECT_EQ(before.opens - opened.opens, 1U);
    // The directory is read from the archive's tail (one 4 KiB read here).
    EXPECT_LE(bytes_taken(opened, before), 8192U);
    EXPECT_EQ(lazy.names(), (std::vector<std::string>{"a", "b"}));
    EXPECT_TRUE(lazy.contains("b"));
    EXPECT_FALSE(lazy.contains("c"));

    const Array b = lazy.at("b");
    const IoCounters after = io_counters();
    EXPECT_TRUE(equal(b, value.at("b")));
    // Member b's bytes plus its headers (one probe of at most 8 KiB), none of a's 800 kB.
    EXPECT_GE(bytes_taken(before, after), value.at("b").nbytes());
    EXPECT_LE(bytes_taken(before, after), value.at("b").nbytes() + 8192);
    EXPECT_EQ(after.bytes_mapped - before.bytes_mapped, map ? value.at("b").nbytes() : 0U);
    EXPECT_THROW((void)lazy.at("c"), KeyNotFound);
  }
}

TEST(NumpyStoreOnDisk, OpenValueStaysReadableAfterRemoveAndOverwrite) {
  ScratchDir dir;
  Partition partition;
  NumpyStore store(partition, dir / "store");
  const SoA first = two_large_columns();
  store.set("k", first);
  const LazySoA before_overwrite = store.open("k");
  const LazySoA before_overwrite_copying = store.open("k", {.map = false});
  store.set("k", rank_soa(9));
  const LazySoA before_remove = store.open("k");
  store.remove("k");
  EXPECT_FALSE(std::filesystem::exists(file_of(dir, "k")));

  // Each reads the file it opened: the first value, then the second.
  expect_same(first, before_overwrite.read_all());
  expect_same(first, before_overwrite_copying.read_all());
  expect_same(rank_soa(9), before_remove.read_all());
  EXPECT_THROW((void)store.open("k"), KeyNotFound);
}

TEST(NumpyStoreOnDisk, ClosedValueRefusesReadsButKeepsArraysAlreadyRead) {
  ScratchDir dir;
  Partition partition;
  NumpyStore store(partition, dir / "store");
  const SoA value = two_large_columns();
  store.set("k", value);
  LazySoA lazy = store.open("k");
  const Array a = lazy.at("a");  // mapped
  lazy.close();
  EXPECT_FALSE(lazy.is_open());
  EXPECT_THROW((void)lazy.at("b"), Error);
  EXPECT_TRUE(equal(a, value.at("a")));
}

TEST(NumpyStoreOnDisk, OpenFindsADamagedMemberOnlyWhenItIsRead) {
  ScratchDir dir;
  Partition partition;
  NumpyStore store(partition, dir / "store", StoreOptions{.keep_files = true});
  const SoA value = two_large_columns();
  store.set("k", value);
  // One bit of member b flips; a's bytes and the directory stay intact.
  // Member b's bytes are found by content: the first occurrence of its first 64 bytes.
  std::vector<std::byte> bytes = read_file_bytes(file_of(dir, "k"));
  const auto b_bytes = value.at("b").bytes();
  const auto found = std::search(bytes.begin(), bytes.end(), b_bytes.begin(), b_bytes.begin() + 64);
  ASSERT_NE(found, bytes.end());
  *(found + 100) ^= std::byte{0x01};
  write_file_bytes(file_of(dir, "k"), bytes);

  for (const bool map : {true, false}) {
    const LazySoA lazy = store.open("k", {.map = map});
    EXPECT_TRUE(equal(lazy.at("a"), value.at("a")));
    EXPECT_THROW((void)lazy.at("b"), CorruptFile);
  }
}

TEST(NumpyStoreInMemory, OpenHoldsTheStoredArrays) {
  Partition partition;
  NumpyStore store(partition);
  const SoA value = rank_soa(3);
  store.set("k", value);
  const LazySoA lazy = store.open("k");
  EXPECT_EQ(lazy.names(), value.names());
  EXPECT_EQ(lazy.at("id").data(), value.at("id").data());  // no copy
  EXPECT_THROW((void)store.open("nope"), KeyNotFound);
}
