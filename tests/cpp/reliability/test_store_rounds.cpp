// Issue 14 for GenericIOStore: what an operation costs per rank, whatever the rank count. The
// collective rounds of set, get, get_field and remove (counted through PMPI: a blocking
// collective, or nonblocking ones in flight together), the opens and bytes
// a read makes (io_counters: this rank's blocks and their CRCs, no header), and reads of the kept
// layout that still find a flipped byte or a cut-off file on the rank that owns the block.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "support/mpi_call_counter.hpp"
#include "reliability_support.hpp"
#include "soastore/genericio_mpi.hpp"
#include "stores/file_names.hpp"
#include "support/test_paths.hpp"

using namespace soastore;
using namespace soastore::testing;

namespace {

constexpr std::uint64_t kTrailer = 8;

MpiCounts counts_of(const std::function<void()>& operation) {
  const MpiCounts before = mpi_counts();
  operation();
  return mpi_counts() - before;
}

std::uint64_t rounds_of(const std::function<void()>& operation) { return counts_of(operation).collective_rounds; }

std::uint64_t calls_of(const std::function<void()>& operation) {
  return counts_of(operation).collective_calls;
}

// Rank r's value: 100 + 7r rows of ten float64 fields f0..f9.
SoA ten_fields(int seed) {
  const std::size_t rows = 100 + 7 * static_cast<std::size_t>(world_rank());
  SoA soa;
  for (int f = 0; f < 10; ++f) {
    std::vector<double> values(rows);
    for (std::size_t i = 0; i < rows; ++i) {
      values[i] = seed * 1e6 + world_rank() * 1e3 + f * 10 + static_cast<double>(i);
    }
    soa["f" + std::to_string(f)] = Array::from(std::move(values));
  }
  return soa;
}

TEST(GenericIOStoreRounds, CollectiveRoundsPerOperationAreBounded) {
  for (const char* groups : {"all", "rank", "node", "2"}) {
    ScratchDir scratch;
    Partition partition;
    GenericIOStore store(partition, 1.0, scratch / "run",
                         {.file_groups = parse_option_value<FileGroups>("file_groups", groups)});
    const SoA value = ten_fields(1);
    // set: the plan's exchange (three collectives in flight together), the write's agreement;
    // a set that replaces a value costs the same (the old file is set aside, not renamed over).
    MpiCounts set = counts_of([&] { store.set("k", value); });
    const MpiCounts replace = counts_of([&] { store.set("k", value); });
    const std::uint64_t get = rounds_of([&] { expect_same(store.get("k"), value); });
    const std::uint64_t get_field =
        rounds_of([&] { expect_same(store.get_field("k", "f3"), SoA{{"f3", value.at("f3")}}); });
    const std::uint64_t remove = rounds_of([&] { store.remove("k"); });
    EXPECT_LE(set.collective_rounds, 2u) << groups;
    EXPECT_LE(replace.collective_rounds, 2u) << groups;
    EXPECT_LE(get, 1u) << groups;
    EXPECT_LE(get_field, 1u) << groups;
    EXPECT_LE(remove, 1u) << groups;
    // No rank but world rank 0 receives more than a few words, whatever the rank count: the
    // plan's allreduce (32 bytes) and scan (16), the outcome (4), and a file's rank 0 the
    // gather of its group's rows and coordinates (40 bytes a rank; one rank for "rank").
    if (world_rank() != 0) {
      EXPECT_LE(set.collective_bytes_received, groups == std::string("rank") ? 92u : groups == std::string("2") ? 132u : 52u)
          << groups;
    }
    if (world_rank() == 0) {
      std::printf("%d ranks, file_groups %s, collective rounds (calls): set %llu (%llu), replacing set %llu, get %llu, "
                  "get_field %llu, remove %llu\n",
                  world_size(), groups, static_cast<unsigned long long>(set.collective_rounds),
                  static_cast<unsigned long long>(set.collective_calls),
                  static_cast<unsigned long long>(replace.collective_rounds), static_cast<unsigned long long>(get),
                  static_cast<unsigned long long>(get_field), static_cast<unsigned long long>(remove));
    }
    // Removed everywhere, the replaced value's ".previous" included.
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(scratch.path()), {}), 0) << groups;
  }
}

TEST(GenericIOStoreRounds, GetFieldReadsOnlyItsBlockThroughOneOpen) {
  ScratchDir scratch;
  Partition partition;
  GenericIOStore store(partition, 1.0, scratch / "run");
  const SoA value = ten_fields(1);
  store.set("k", value);
  const IoCounters before = io_counters();
  for (int f = 0; f < 10; ++f) {
    const std::string name = "f" + std::to_string(f);
    expect_same(store.get_field("k", name), SoA{{name, value.at(name)}});
  }
  const IoCounters after = io_counters();
  if (world_rank() == world_size() - 1) {
    std::printf("%d ranks, last rank, 10 get_fields: %llu opens, %llu bytes read for %llu bytes of data\n",
                world_size(),
                static_cast<unsigned long long>(after.opens - before.opens),
                static_cast<unsigned long long>(after.bytes_read - before.bytes_read),
                static_cast<unsigned long long>(10 * value.at("f0").nbytes()));
  }
  EXPECT_EQ(after.opens - before.opens, 1u);
  // Each field: this rank's payload and its CRC trailer, not a byte of the header.
  EXPECT_EQ(after.bytes_read - before.bytes_read, 10 * (value.at("f0").nbytes() + kTrailer));
}

TEST(GenericIOStoreRounds, OverwriteAndRemoveDropTheOpenFile) {
  ScratchDir scratch;
  Partition partition;
  GenericIOStore store(partition, 1.0, scratch / "run");
  store.set("k", ten_fields(1));
  (void)store.get_field("k", "f0");
  // The rename gives the key a new inode: a cached descriptor would still read the old one.
  SoA bigger = rank_soa(50 + static_cast<std::size_t>(world_rank()), 2);
  store.set("k", bigger);
  expect_same(store.get_field("k", "mass"), SoA{{"mass", bigger.at("mass")}});
  expect_same(store.get("k"), bigger);
  store.remove("k");
  EXPECT_FALSE(store.contains("k"));
  store.set("k", ten_fields(3));
  expect_same(store.get_field("k", "f9"), SoA{{"f9", ten_fields(3).at("f9")}});
}

// Background writes keep their layout from the plan and start using it once renamed. A rename
// that fails on rank 0 makes every rank forget the key's layout; its value is then served from
// memory, and the next set brings a layout again.
TEST(GenericIOStoreRounds, BackgroundWritesKeepTheLayoutOnceRenamed) {
  ScratchDir scratch;
  Partition partition;
  GenericIOStore store(partition, 1.0, scratch / "run", {.background = true});
  const SoA first = ten_fields(1);
  store.set("k", first);
  store.flush();
  const IoCounters before = io_counters();
  expect_same(store.get_field("k", "f1"), SoA{{"f1", first.at("f1")}});
  expect_same(store.get_field("k", "f2"), SoA{{"f2", first.at("f2")}});
  const IoCounters after = io_counters();
  EXPECT_EQ(after.opens - before.opens, 1u);
  EXPECT_EQ(after.bytes_read - before.bytes_read, 2 * (first.at("f1").nbytes() + kTrailer));
  {
    InjectedFaults faults({.rename_errno = EIO}, world_rank() == 0);
    store.set("k", ten_fields(2));
    EXPECT_THROW(store.flush(), Error);
  }
  expect_same(store.get("k"), ten_fields(2));
  store.set("k", ten_fields(3));
  store.flush();
  expect_same(store.get_field("k", "f9"), SoA{{"f9", ten_fields(3).at("f9")}});
}

// A file the caller did not write through a store: rank 0 reads the header (and its probe) and
// broadcasts it; every other rank reads nothing but its blocks.
TEST(GenericIOReadRounds, HeaderIsReadOnRankZeroOnly) {
  ScratchDir scratch;
  const std::filesystem::path file = scratch / "file.gio";
  const SoA value = ten_fields(4);
  genericio::write(MPI_COMM_WORLD, file, value, genericio::WriteOptions{});
  const std::uint64_t header_bytes = 168 + 280 * 10 + 48 * static_cast<std::uint64_t>(world_size()) + 8;
  const std::uint64_t blocks_bytes = 10 * (value.at("f0").nbytes() + kTrailer);
  const IoCounters before = io_counters();
  SoA read;
  // Two broadcasts (the header's length, its bytes) and the error agreement.
  const std::uint64_t calls =
      calls_of([&] { read = genericio::read(MPI_COMM_WORLD, file, std::nullopt, genericio::ReadOptions{}); });
  EXPECT_LE(calls, 3u);
  const IoCounters after = io_counters();
  expect_same(read, value);
  EXPECT_EQ(after.bytes_read - before.bytes_read, blocks_bytes + (world_rank() == 0 ? 168 + header_bytes : 0));
}

// Damages the file of "k" on rank 0 between barriers.
void on_rank_zero(const std::function<void()>& damage) {
  MPI_Barrier(MPI_COMM_WORLD);
  if (world_rank() == 0) damage();
  MPI_Barrier(MPI_COMM_WORLD);
}

TEST(GenericIOStoreRounds, FlippedByteInTheLastRanksBlockIsCorruptFileEverywhere) {
  ScratchDir scratch;
  Partition partition;
  GenericIOStore store(partition, 1.0, scratch / "run");
  const SoA value = ten_fields(1);
  store.set("k", value);
  (void)store.get_field("k", "f9");  // the file is open in the cache now: the read sees the flip
  const std::filesystem::path file = stores::genericio_file_name(scratch / "run", "k");
  on_rank_zero([&] {
    std::fstream bytes(file, std::ios::in | std::ios::out | std::ios::binary);
    bytes.seekg(-kTrailer - 16, std::ios::end);  // inside the last rank's f9 payload
    const char c = static_cast<char>(bytes.peek());
    bytes.seekp(-kTrailer - 16, std::ios::end);
    bytes.put(static_cast<char>(c ^ 0x01));
  });
  expect_corrupt_on_last_rank(file, [&] { (void)store.get_field("k", "f9"); });
  expect_corrupt_on_last_rank(file, [&] { (void)store.get("k"); });
  // The other blocks still read, from the kept layout.
  expect_same(store.get_field("k", "f0"), SoA{{"f0", value.at("f0")}});
}

TEST(GenericIOStoreRounds, TruncatedFileIsCorruptFileOnTheRankWhoseBlockIsCut) {
  ScratchDir scratch;
  Partition partition;
  GenericIOStore store(partition, 1.0, scratch / "run");
  store.set("k", ten_fields(1));
  const std::filesystem::path file = stores::genericio_file_name(scratch / "run", "k");
  on_rank_zero([&] { std::filesystem::resize_file(file, std::filesystem::file_size(file) - 4); });
  expect_corrupt_on_last_rank(file, [&] { (void)store.get_field("k", "f9"); });
  // A new set repairs the key.
  store.set("k", ten_fields(2));
  expect_same(store.get("k"), ten_fields(2));
}

}  // namespace
