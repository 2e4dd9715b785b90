#include <gtest/gtest.h>
#include <mpi.h>

#include <numeric>

#include "soastore/errors.hpp"
#include "soastore/partition.hpp"

using soastore::Partition;

TEST(Partition, MirrorsTheWorldLayout) {
  int world_rank = 0, world_size = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &world_size);
  Partition partition;
  EXPECT_EQ(partition.rank(), world_rank);
  EXPECT_EQ(partition.nranks(), world_size);
  EXPECT_EQ(partition.dimensions(), 3);
  const auto& decomposition = partition.decomposition();
  EXPECT_EQ(std::accumulate(decomposition.begin(), decomposition.end(), 1, std::multiplies<>()), world_size);
  for (int d = 0; d < 3; ++d) {
    EXPECT_GE(partition.coordinates()[d], 0);
    EXPECT_LT(partition.coordinates()[d], decomposition[d]);
    EXPECT_DOUBLE_EQ(partition.extent()[d], 1.0 / decomposition[d]);
    EXPECT_DOUBLE_EQ(partition.origin()[d], partition.coordinates()[d] * partition.extent()[d]);
  }
}

TEST(Partition, DuplicatesTheCommunicator) {
  Partition partition(MPI_COMM_WORLD, 2);
  int result = MPI_UNEQUAL;
  MPI_Comm_compare(partition.comm(), MPI_COMM_WORLD, &result);
  EXPECT_NE(result, MPI_IDENT);  // a communicator of its own, never the caller's
  int topology = MPI_UNDEFINED;
  MPI_Topo_test(partition.comm(), &topology);
  EXPECT_EQ(topology, MPI_CART);
  EXPECT_EQ(partition.dimensions(), 2);
}

TEST(Partition, NeighborsArePeriodic) {
  Partition partition;
  const int zero[3] = {0, 0, 0};
  EXPECT_EQ(partition.neighbor(zero), partition.rank());
  // Walking once around every dimension comes back home.
  std::vector<int> around(partition.decomposition().begin(), partition.decomposition().end());
  EXPECT_EQ(partition.neighbor(around), partition.rank());
  // Neighbours are symmetric: my +x neighbour's -x neighbour is me.
  const int plus_x[3] = {1, 0, 0};
  const int right = partition.neighbor(plus_x);
  int back = -1;
  const int minus_x_of_right_rank = right;
  std::vector<int> coords(3);
  MPI_Cart_coords(partition.comm(), minus_x_of_right_rank, 3, coords.data());
  coords[0] = (coords[0] - 1 + partition.decomposition()[0]) % partition.decomposition()[0];
  MPI_Cart_rank(partition.comm(), coords.data(), &back);
  EXPECT_EQ(back, partition.rank());
  const int wrong_size[2] = {0, 0};
  EXPECT_THROW((void)partition.neighbor(wrong_size), soastore::InvalidData);
}

TEST(Partition, SubCommunicator) {
  int world_rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
  MPI_Comm half = MPI_COMM_NULL;
  MPI_Comm_split(MPI_COMM_WORLD, world_rank % 2, world_rank, &half);
  {
    Partition partition(half, 1);
    int half_size = 0;
    MPI_Comm_size(half, &half_size);
    EXPECT_EQ(partition.nranks(), half_size);
    EXPECT_EQ(partition.decomposition(), std::vector<int>{half_size});
  }
  MPI_Comm_free(&half);
}
