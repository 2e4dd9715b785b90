// mpi::FileGroup: which ranks share a file. Numbers in order of the groups' lowest ranks, ranks
// in order within a group, one group of all ranks per node (this machine is one node).
#include <gtest/gtest.h>
#include <mpi.h>

#include "mpi/file_groups.hpp"
#include "support/mpi_world.hpp"

using namespace soastore;
using soastore::testing::world_rank;
using soastore::testing::world_size;

TEST(FileGroup, ConsecutiveRanksShareAGroupInOrder) {
  for (const int per_group : {1, 2, 3, 64}) {
    const mpi::FileGroup group(MPI_COMM_WORLD, mpi::GroupBy::Consecutive, per_group);
    EXPECT_EQ(group.index(), world_rank() / per_group) << per_group;
    EXPECT_EQ(group.count(), (world_size() + per_group - 1) / per_group) << per_group;
    EXPECT_EQ(group.rank(), world_rank() % per_group) << per_group;
    const int last_size = world_size() - (group.count() - 1) * per_group;
    EXPECT_EQ(group.size(), group.index() == group.count() - 1 ? last_size : per_group) << per_group;
    EXPECT_EQ(group.whole(), group.count() == 1);
  }
  EXPECT_THROW(mpi::FileGroup(MPI_COMM_WORLD, mpi::GroupBy::Consecutive, 0), std::invalid_argument);
}

TEST(FileGroup, AllAndOneNodeAreOneGroup) {
  for (const mpi::GroupBy by : {mpi::GroupBy::All, mpi::GroupBy::Node}) {
    const mpi::FileGroup group(MPI_COMM_WORLD, by);
    EXPECT_EQ(group.index(), 0);
    EXPECT_EQ(group.count(), 1);
    EXPECT_TRUE(group.whole());
    EXPECT_EQ(group.rank(), world_rank());
    EXPECT_EQ(group.size(), world_size());
  }
}
