#include <gtest/gtest.h>
#include <mpi.h>

#include <cerrno>

#include "support/mpi_world.hpp"
#include "mpi/collective.hpp"
#include "soastore/errors.hpp"

using soastore::mpi::run_collectively;

using soastore::testing::world_rank;
using soastore::testing::world_size;


TEST(Collective, SuccessEverywhereThrowsNowhere) {
  int ran = 0;
  run_collectively(MPI_COMM_WORLD, [&] { ran = 1; });
  EXPECT_EQ(ran, 1);
}

TEST(Collective, OneFailingRankMakesEveryRankThrowTheSameClass) {
  const int failing = world_size() - 1;
  try {
    run_collectively(MPI_COMM_WORLD, [&] {
      if (world_rank() == failing) throw soastore::IoError("disk full on the last rank", ENOSPC, "/x/y");
    });
    FAIL() << "expected IoError on every rank";
  } catch (const soastore::IoError& e) {
    EXPECT_EQ(e.error_number(), ENOSPC);
    EXPECT_EQ(e.path(), "/x/y");
    EXPECT_NE(std::string(e.what()).find("disk full"), std::string::npos);
  }
}

TEST(Collective, TheLowestFailingRankWins) {
  try {
    run_collectively(MPI_COMM_WORLD, [&] {
      if (world_rank() == 0) throw soastore::InvalidData("rank 0 is wrong");
      throw soastore::CorruptFile("others are corrupt", "f", world_rank());
    });
    FAIL() << "expected InvalidData";
  } catch (const soastore::InvalidData& e) {
    EXPECT_NE(std::string(e.what()).find("rank 0 is wrong"), std::string::npos);
  }
}

TEST(Collective, ForeignExceptionsBecomeErrorsElsewhere) {
  const int failing = world_size() / 2;
  try {
    run_collectively(MPI_COMM_WORLD, [&] {
      if (world_rank() == failing) throw std::runtime_error("not ours");
    });
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("not ours"), std::string::npos);
  }
}
