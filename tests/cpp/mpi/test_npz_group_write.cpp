// Group archives written collectively by the MPI layer alone (mpi/npz_group_write.hpp), on 1 to 4
// ranks, every rank of the world in one group: numpy, zipfile and unzip read every rank's members
// bit-exact (the numpy oracle), also with every ZIP64 record forced by a zero threshold; a rank
// reads its members back from the layout it remembers and from the central directory alike; and
// a failure on one rank before the write is every rank's error, with nothing written.
#include <gtest/gtest.h>
#include <mpi.h>

#include "mpi/file_groups.hpp"
#include "mpi/npz_group_write.hpp"
#include "npz/archive_of.hpp"
#include "npz/group_archive.hpp"
#include "npz/member_name.hpp"
#include "npz/npz_test_support.hpp"
#include "soastore/errors.hpp"
#include "soastore/npz.hpp"
#include "support/mpi_world.hpp"
#include "support/test_paths.hpp"

using namespace soastore;
using namespace soastore::testing;

namespace {

// Rank r's value: fields and sizes differ between ranks, rank 0 has no rows.
SoA share_of(int rank) {
  const auto rows = static_cast<std::size_t>(1000 * rank);
  const auto seed = static_cast<std::uint64_t>(rank) * 10;
  SoA soa;
  soa.insert("id", pseudo_random_array(DType::Int64, {rows}, seed));
  if (rank % 2 == 1) soa.insert("pos", pseudo_random_array(DType::Float32, {rows, 3}, seed + 1));
  if (rank % 2 == 0) soa.insert("mass", pseudo_random_array(DType::Float64, {rows + 1}, seed + 2));
  soa.insert("z", pseudo_random_array(DType::Complex64, {}, seed + 3));
  return soa;
}

void expect_same(const SoA& expected, const SoA& actual) {
  ASSERT_EQ(expected.names(), actual.names());
  for (const auto& [name, array] : expected) EXPECT_TRUE(equal(array, actual.at(name))) << name;
}

npz::ZipDirectory write_share(const std::filesystem::path& file, const SoA& soa, const npz::WriteOptions& options) {
  const mpi::FileGroup group(MPI_COMM_WORLD, mpi::GroupBy::All);
  const auto planned = mpi::plan_share(MPI_COMM_WORLD, group, file, soa, options, [] {});
  npz::ZipDirectory own = mpi::write_planned_share(*planned);
  MPI_Barrier(MPI_COMM_WORLD);  // every share is in the file
  return own;
}

class GroupArchive : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(GroupArchive, NumpyReadsEveryRanksMembersAndEachRankItsOwn) {
  ScratchDir dir;
  const std::filesystem::path file = dir / "group.npz";
  const SoA own_value = share_of(world_rank());
  const npz::ZipDirectory own = write_share(file, own_value, {.zip64_threshold = GetParam()});

  // Our reader: the whole archive by member names, every rank's arrays.
  const SoA all = npz::load(file);
  std::size_t members = 0;
  for (int rank = 0; rank < world_size(); ++rank) {
    for (const auto& [name, array] : share_of(rank)) {
      EXPECT_TRUE(equal(array, all.at(npz::rank_folder(rank) + name))) << rank << " " << name;
      ++members;
    }
  }
  EXPECT_EQ(all.size(), members);

  // This rank's own members, from the remembered layout and from the directory, plain names.
  expect_same(own_value, npz::load_archive(npz::archive_of(file, own), std::nullopt, {}));
  io::File archive = io::File::open_read(file);
  const npz::ZipDirectory found = npz::read_own_members(archive, world_rank());
  ASSERT_EQ(found.members.size(), own.members.size());
  for (std::size_t m = 0; m < own.members.size(); ++m) {
    EXPECT_EQ(found.members[m].field, own.members[m].field);
    EXPECT_EQ(found.members[m].name, own.members[m].name);
    EXPECT_EQ(found.members[m].crc, own.members[m].crc);
    EXPECT_EQ(found.members[m].local_header_offset, own.members[m].local_header_offset);
    EXPECT_EQ(found.members[m].compressed_size, own.members[m].compressed_size);
  }
  EXPECT_EQ(found.members_end, own.members_end);
  expect_same(own_value, npz::load_archive(npz::archive_of(file, found), std::nullopt, {.map = true}));

  // numpy, zipfile.testzip, unzip -t, numpy's own .npy bytes, 4096-aligned data.
  if (world_rank() == 0) {
    const std::filesystem::path expected = dir / "expected";
    SoA every;
    for (int rank = 0; rank < world_size(); ++rank) {
      std::filesystem::create_directories(expected / npz::rank_folder(rank));
      for (const auto& [name, array] : share_of(rank)) every.insert(npz::rank_folder(rank) + name, array);
    }
    write_expected(expected, every);
    EXPECT_EQ(run_numpy_oracle("check " + file.string() + " " + expected.string()), 0);
  }
  MPI_Barrier(MPI_COMM_WORLD);
}

// The zip limit, and 0: every member's sizes, the entry count, the directory's size and offset in
// ZIP64 records (the end record, its locator).
INSTANTIATE_TEST_SUITE_P(Thresholds, GroupArchive, ::testing::Values(npz::WriteOptions{}.zip64_threshold, 0));

TEST(GroupArchiveWrite, OneRanksBadFieldNameIsEveryRanksErrorAndNothingIsWritten) {
  ScratchDir dir;
  const std::filesystem::path file = dir / "bad.npz";
  SoA soa = share_of(world_rank());
  if (world_rank() == world_size() - 1) soa.insert("a/b", Array::from(std::vector<int>{1}));
  const mpi::FileGroup group(MPI_COMM_WORLD, mpi::GroupBy::All);
  bool prepared = false;
  EXPECT_THROW((void)mpi::plan_share(MPI_COMM_WORLD, group, file, soa, {}, [&] { prepared = true; }), InvalidData);
  EXPECT_EQ(prepared, world_rank() == 0 && world_size() > 1);  // the first rank's own part ran
  MPI_Barrier(MPI_COMM_WORLD);
  EXPECT_FALSE(std::filesystem::exists(file));
}

TEST(GroupArchiveWrite, AnEmptyShareOnEveryRankIsAnEmptyArchive) {
  ScratchDir dir;
  const std::filesystem::path file = dir / "empty.npz";
  (void)write_share(file, SoA{}, {});
  EXPECT_EQ(npz::load(file).size(), 0u);
}

}  // namespace
