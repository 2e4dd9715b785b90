// NumpyStore with file_groups all, node, 2 and rank, on 1 to 4 ranks: one archive per key and
// group (one per rank for "rank", the reference's files), every rank's arrays read back bit-exact
// through the store (get, get_field, open) and, by member name, through npz::load of the archive;
// different fields and sizes per rank and a rank without rows; replacing keys; a write that fails
// on one rank keeps the previous value everywhere and leaves no stray file; a damaged archive is
// CorruptFile naming key, file and rank; background writes and memory_budget spills with groups.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cerrno>
#include <functional>
#include <set>

#include "io/file.hpp"
#include "io/system_calls.hpp"
#include "npz/zip_directory.hpp"
#include "npz/npz_test_support.hpp"
#include "soastore/npz.hpp"
#include "soastore/soastore.hpp"
#include "stores/file_grouping.hpp"
#include "stores/npz_group_storage.hpp"
#include "support/mpi_call_counter.hpp"
#include "support/mpi_world.hpp"
#include "support/test_paths.hpp"

using namespace soastore;
using namespace soastore::testing;

namespace {

// Rank r's value under `seed`: fields and sizes differ between ranks, rank 0 has no rows.
SoA value_of(int rank, std::uint64_t seed) {
  const auto rows = static_cast<std::size_t>(37 * rank);
  const std::uint64_t s = seed * 100 + static_cast<std::uint64_t>(rank) * 10;
  SoA soa;
  soa.insert("id", pseudo_random_array(DType::Int64, {rows}, s));
  if (rank % 2 == 1) soa.insert("pos", pseudo_random_array(DType::Float32, {rows, 3}, s + 1));
  if (rank % 2 == 0) soa.insert("mass", pseudo_random_array(DType::Float64, {rows + seed}, s + 2));
  soa.insert("flag", pseudo_random_array(DType::Bool, {rows}, s + 3));
  return soa;
}
SoA own_value(std::uint64_t seed) { return value_of(world_rank(), seed); }

void expect_same(const SoA& expected, const SoA& actual) {
  ASSERT_EQ(expected.names(), actual.names());
  for (const auto& [name, array] : expected) EXPECT_TRUE(equal(array, actual.at(name))) << name;
}

std::string rank_folder(int rank) {
  char folder[32];
  std::snprintf(folder, sizeof folder, "rank-%06d/", rank);
  return folder;
}

struct Grouping {
  const char* name;
  FileGroups groups;
  int ranks_per_file;  // 0: all ranks (node: one node here)
};

std::ostream& operator<<(std::ostream& out, const Grouping& grouping) { return out << grouping.name; }

int ranks_per_file(const Grouping& grouping) {
  return grouping.ranks_per_file == 0 ? world_size() : grouping.ranks_per_file;
}

// The file of this rank's arrays under key `key`, and the ranks whose arrays it holds.
std::filesystem::path file_of(const ScratchDir& dir, const Grouping& grouping, const std::string& key) {
  if (grouping.ranks_per_file == 1) {
    return dir / ("store_" + key + ".tmp.rank-" + std::to_string(world_rank()) + ".npz");
  }
  const int group = world_rank() / ranks_per_file(grouping);
  return dir / ("store_" + key + ".tmp.group-" + std::to_string(group) + ".npz");
}

std::vector<int> ranks_in_file(const Grouping& grouping) {
  const int per_file = ranks_per_file(grouping);
  std::vector<int> ranks;
  const int first = world_rank() / per_file * per_file;
  for (int rank = first; rank < std::min(world_size(), first + per_file); ++rank) ranks.push_back(rank);
  return ranks;
}

// The names in the store's directory, once every rank got here.
std::set<std::string> files_in(const ScratchDir& dir) {
  MPI_Barrier(MPI_COMM_WORLD);
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) names.insert(entry.path().filename());
  MPI_Barrier(MPI_COMM_WORLD);
  return names;
}

std::set<std::string> expected_files(const Grouping& grouping, const std::vector<std::string>& keys) {
  std::set<std::string> names;
  const int per_file = ranks_per_file(grouping);
  const int files = (world_size() + per_file - 1) / per_file;
  const char* infix = grouping.ranks_per_file == 1 ? ".tmp.rank-" : ".tmp.group-";
  for (const std::string& key : keys) {
    for (int f = 0; f < files; ++f) names.insert("store_" + key + infix + std::to_string(f) + ".npz");
  }
  return names;
}

int injected_errno = 0;  // what the faulty writes fail with (the table takes plain functions)

class NumpyStoreGroups : public ::testing::TestWithParam<Grouping> {
 protected:
  NumpyStore make(const ScratchDir& dir, StoreOptions options = {}) {
    options.file_groups = GetParam().groups;
    return NumpyStore(partition_, dir / "store", options);
  }
  Partition partition_;
};

TEST_P(NumpyStoreGroups, RoundTripsThroughTheStoreAndTheArchive) {
  ScratchDir dir;
  NumpyStore store = make(dir, {.keep_files = true});
  store.set("k", own_value(1));
  store.set("other", own_value(2));
  EXPECT_EQ(files_in(dir), expected_files(GetParam(), {"k", "other"}));

  expect_same(own_value(1), store.get("k"));
  const SoA some = store.get_field("k", {"flag", "id"});
  EXPECT_EQ(some.names(), (std::vector<std::string>{"flag", "id"}));
  EXPECT_TRUE(equal(some.at("id"), own_value(1).at("id")));
  EXPECT_THROW((void)store.get_field("k", "nope"), KeyNotFound);
  const LazySoA lazy = store.open("k");
  EXPECT_EQ(lazy.names(), own_value(1).names());
  expect_same(own_value(1), lazy.read_all());

  // The archive holds the arrays of every rank it is shared by, under "rank-R/NAME".
  const SoA archive = npz::load(file_of(dir, GetParam(), "other"));
  if (GetParam().ranks_per_file == 1) {
    expect_same(own_value(2), archive);
  } else {
    std::size_t members = 0;
    for (const int rank : ranks_in_file(GetParam())) {
      for (const auto& [name, array] : value_of(rank, 2)) {
        EXPECT_TRUE(equal(array, archive.at(rank_folder(rank) + name))) << rank << name;
        ++members;
      }
    }
    EXPECT_EQ(archive.size(), members);
  }

  // Replacing keeps nothing of the old value, and no ".previous" or ".partial".
  store.set("k", own_value(3));
  expect_same(own_value(3), store.get("k"));
  expect_same(own_value(1), lazy.read_all());  // the open value reads the archive it opened
  EXPECT_EQ(files_in(dir), expected_files(GetParam(), {"k", "other"}));
  expect_same(own_value(2), store.pop("other"));
  EXPECT_EQ(files_in(dir), expected_files(GetParam(), {"k"}));
  store.remove("k");
  EXPECT_TRUE(files_in(dir).empty());
  EXPECT_EQ(store.size(), 0u);
}

TEST_P(NumpyStoreGroups, CloseDeletesEveryFile) {
  ScratchDir dir;
  {
    NumpyStore store = make(dir);
    store.set("a", own_value(1));
    store.set("a", own_value(2));
    store.set("b", own_value(3));
    const StoreStats stats = store.stats();
    EXPECT_EQ(stats.keys_on_disk, 2u);
    EXPECT_EQ(stats.bytes_on_disk, own_value(2).nbytes() + own_value(3).nbytes());
    EXPECT_EQ(stats.bytes_written, own_value(1).nbytes() + own_value(2).nbytes() + own_value(3).nbytes());
  }
  EXPECT_TRUE(files_in(dir).empty());
}

TEST_P(NumpyStoreGroups, AWriteThatFailsOnOneRankKeepsThePreviousValueEverywhere) {
  ScratchDir dir;
  NumpyStore store = make(dir);
  store.set("k", own_value(1));
  const bool failing = world_rank() == world_size() - 1;
  for (const int error : {ENOSPC, EIO}) {
    {
      io::SystemCalls full = io::os_system_calls();
      full.pwrite = [](int, const void*, size_t, off_t) -> ssize_t { errno = injected_errno; return -1; };
      full.pwritev = [](int, const iovec*, int, off_t) -> ssize_t { errno = injected_errno; return -1; };
      injected_errno = error;
      std::optional<io::ScopedSystemCalls> inject;
      if (failing) inject.emplace(full);
      // Every rank of a shared archive throws the failing rank's error; per rank only it does.
      if (failing || GetParam().ranks_per_file != 1) {
        EXPECT_THROW(store.set("k", own_value(2)), IoError);
        EXPECT_THROW(store.set("new", own_value(2)), IoError);
      } else {
        store.set("k", own_value(2));
        store.set("new", own_value(2));
      }
    }
    if (GetParam().ranks_per_file == 1 && !failing) {  // this rank's own writes succeeded
      store.remove("new");
      store.set("k", own_value(1));
    }
    EXPECT_FALSE(store.contains("new"));
    expect_same(own_value(1), store.get("k"));
    EXPECT_EQ(files_in(dir), expected_files(GetParam(), {"k"}));
  }
}

TEST_P(NumpyStoreGroups, ADamagedArchiveIsCorruptFileNamingKeyFileAndRank) {
  ScratchDir dir;
  NumpyStore store = make(dir);
  store.set("k", own_value(1));
  const std::filesystem::path file = file_of(dir, GetParam(), "k");
  MPI_Barrier(MPI_COMM_WORLD);
  if (world_rank() == ranks_in_file(GetParam()).front()) std::filesystem::resize_file(file, 100);
  MPI_Barrier(MPI_COMM_WORLD);
  try {
    (void)store.get("k");
    ADD_FAILURE() << "read a truncated archive";
  } catch (const CorruptFile& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("'k'"), std::string::npos) << message;
    EXPECT_NE(message.find(".npz"), std::string::npos) << message;
    EXPECT_NE(message.find("rank"), std::string::npos) << message;
  }
}

// Flips the last data byte of member `name` of `file` (found from the central directory).
void flip_last_byte_of(const std::filesystem::path& file, const std::string& name) {
  io::File archive = io::File::open_read(file);
  const npz::ZipDirectory directory = npz::read_zip_directory(archive);
  for (const npz::ZipMember& member : directory.members) {
    if (member.name != name) continue;
    std::vector<std::byte> bytes = read_file_bytes(file);
    const std::size_t local = member.local_header_offset;
    const auto field = [&](std::size_t at) {
      return static_cast<std::size_t>(bytes[local + at]) | static_cast<std::size_t>(bytes[local + at + 1]) << 8;
    };
    const std::size_t last = local + 30 + field(26) + field(28) + member.compressed_size - 1;
    bytes[last] ^= std::byte{0x01};
    write_file_bytes(file, bytes);
    return;
  }
  ADD_FAILURE() << "no member " << name << " in " << file;
}

TEST_P(NumpyStoreGroups, AFlippedByteIsCorruptFileOnEveryRankOfASharedStore) {
  ScratchDir dir;
  NumpyStore store = make(dir);
  store.set("k", own_value(1));
  const int last = world_size() - 1;
  const std::string folder = GetParam().ranks_per_file == 1 ? "" : rank_folder(last);
  const std::string member = folder + (last % 2 == 0 ? "mass" : "pos");
  MPI_Barrier(MPI_COMM_WORLD);
  if (world_rank() == last) flip_last_byte_of(file_of(dir, GetParam(), "k"), member + ".npy");
  MPI_Barrier(MPI_COMM_WORLD);
  if (GetParam().ranks_per_file == 1 && world_rank() != last) {
    expect_same(own_value(1), store.get("k"));  // per rank, only the damaged file's rank fails
    return;
  }
  try {
    (void)store.get("k");
    ADD_FAILURE() << "read a damaged member";
  } catch (const CorruptFile& e) {
    EXPECT_NE(std::string(e.what()).find(member), std::string::npos) << e.what();
  }
  EXPECT_TRUE(equal(own_value(1).at("id"), store.get_field("k", "id").at("id")));  // the other members are fine
}

TEST_P(NumpyStoreGroups, BackgroundWritesAndBudgetSpills) {
  ScratchDir dir;
  {
    NumpyStore store = make(dir, {.background = true});
    store.set("a", own_value(1));
    store.set("a", own_value(2));
    store.set("b", own_value(3));
    expect_same(own_value(2), store.get("a"));
    store.flush();
    EXPECT_EQ(files_in(dir), expected_files(GetParam(), {"a", "b"}));
    EXPECT_TRUE(equal(own_value(3).at("id"), store.get_field("b", "id").at("id")));
    store.remove("a");
    store.flush();
    EXPECT_EQ(files_in(dir), expected_files(GetParam(), {"b"}));
  }
  EXPECT_TRUE(files_in(dir).empty());
  {
    // A budget of a few values' bytes: the older keys spill into shared archives.
    NumpyStore store = make(dir, {.memory_budget = MemoryAmount::of_bytes(2 * own_value(1).nbytes() + 1)});
    for (std::uint64_t key = 0; key < 6; ++key) store.set(std::to_string(key), own_value(key + 1));
    store.flush();
    for (std::uint64_t key = 0; key < 6; ++key) expect_same(own_value(key + 1), store.get(std::to_string(key)));
    EXPECT_GT(store.stats().spills, 0u);
  }
  EXPECT_TRUE(files_in(dir).empty());
}

TEST_P(NumpyStoreGroups, DirectWritesAndReadsGiveTheSameArchive) {
  ScratchDir dir;
  NumpyStore store = make(dir, {.keep_files = true, .io = IoMode::Direct});
  SoA value = own_value(4);
  value.insert("big", pseudo_random_array(DType::Float32, {300000 + 1000 * static_cast<std::size_t>(world_rank())}, 8));
  store.set("k", value);
  expect_same(value, store.get("k"));
  MPI_Barrier(MPI_COMM_WORLD);
  const SoA archive = npz::load(file_of(dir, GetParam(), "k"));
  const std::string folder = GetParam().ranks_per_file == 1 ? "" : rank_folder(world_rank());
  for (const auto& [name, array] : value) EXPECT_TRUE(equal(array, archive.at(folder + name))) << name;
}

// A storage that did not write the key (it knows no layout) reads this rank's members from the
// archive's central directory, with the same names and values as the writer reads them.
TEST_P(NumpyStoreGroups, WithoutTheWritersLayoutTheCentralDirectoryServesTheRanksMembers) {
  if (GetParam().ranks_per_file == 1) GTEST_SKIP() << "per-rank files have no group storage";
  ScratchDir dir;
  const auto storage = [&] {
    mpi::FileGroup group = stores::make_file_group(partition_, GetParam().groups);
    return stores::NpzGroupStorage(partition_, std::move(group), dir / "store");
  };
  stores::NpzGroupStorage writer = storage();
  stores::NpzGroupStorage reader = storage();
  writer.write("k", own_value(1));
  expect_same(own_value(1), reader.read("k", nullptr));
  const std::vector<std::string> id{"id"};
  EXPECT_TRUE(equal(own_value(1).at("id"), reader.read("k", &id).at("id")));
  const LazySoA lazy = reader.open("k", {});
  EXPECT_EQ(lazy.names(), own_value(1).names());
  writer.erase("k");
  EXPECT_TRUE(files_in(dir).empty());
}

std::uint64_t rounds_of(const std::function<void()>& operation) {
  const MpiCounts before = mpi_counts();
  operation();
  return (mpi_counts() - before).collective_rounds;
}

// Issue 14: a set is at most 2 rounds, a read or remove 1, whatever the rank count; a read of one
// field opens the archive once and reads that member only (no central directory).
TEST_P(NumpyStoreGroups, RoundsPerOperationAndBytesPerRead) {
  if (GetParam().ranks_per_file == 1) GTEST_SKIP() << "per-rank files make no collective call";
  ScratchDir dir;
  NumpyStore store = make(dir);
  SoA value = own_value(1);
  value.insert("big", pseudo_random_array(DType::Float64, {20000}, 7));
  EXPECT_LE(rounds_of([&] { store.set("k", value); }), 2u);
  EXPECT_LE(rounds_of([&] { store.set("k", value); }), 2u);  // replacing
  EXPECT_LE(rounds_of([&] { expect_same(value, store.get("k")); }), 1u);
  const IoCounters before = io_counters();
  EXPECT_LE(rounds_of([&] { EXPECT_TRUE(equal(value.at("id"), store.get_field("k", "id").at("id"))); }), 1u);
  const IoCounters after = io_counters();
  EXPECT_EQ(after.opens - before.opens, 1u);
  EXPECT_LE(after.bytes_read - before.bytes_read, value.at("id").nbytes() + 8192);
  EXPECT_LE(rounds_of([&] { (void)store.open("k"); }), 1u);
  EXPECT_LE(rounds_of([&] { store.remove("k"); }), 1u);
}

INSTANTIATE_TEST_SUITE_P(Groupings, NumpyStoreGroups,
                         ::testing::Values(Grouping{"all", FileGroups::of(FileGroups::Kind::All), 0},
                                           Grouping{"node", FileGroups::of(FileGroups::Kind::Node), 0},
                                           Grouping{"rank", FileGroups::of(FileGroups::Kind::Rank), 1},
                                           Grouping{"two", FileGroups::consecutive(2), 2}),
                         [](const ::testing::TestParamInfo<Grouping>& param) { return std::string(param.param.name); });

}  // namespace
