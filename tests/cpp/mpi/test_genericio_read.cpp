// Collective GenericIO reads of the shared vectors on 1-4 ranks: each vector on its own rank
// count (Disallowed), every vector redistributed onto every rank count, layout mismatches, and
// corrupt files failing with CorruptFile on every rank without a hang.
#include <gtest/gtest.h>
#include <mpi.h>

#include "support/mpi_world.hpp"
#include "genericio/file_bytes.hpp"
#include "genericio/redistribution.hpp"
#include "genericio/vector_catalog.hpp"
#include "soastore/errors.hpp"
#include "soastore/genericio_mpi.hpp"
#include "support/test_paths.hpp"

using namespace soastore;
using namespace soastore::testing;

using soastore::testing::world_rank;
using soastore::testing::world_size;

namespace {

void expect_equal_soa(const SoA& actual, const SoA& expected, const std::string& context) {
  ASSERT_EQ(actual.names(), expected.names()) << context;
  for (const auto& [name, array] : expected) {
    EXPECT_TRUE(equal(actual.at(name), array)) << context << ": " << name.substr(0, 20) << " is "
                                               << actual.at(name).describe() << ", expected " << array.describe();
  }
}

}  // namespace

TEST(GenericIOCollectiveRead, EachVectorOnItsOwnRankCount) {
  for (const TestVector& vector : test_vectors()) {
    if (vector.ranks.size() != static_cast<std::size_t>(world_size())) continue;
    SCOPED_TRACE(vector.file);
    const SoA soa = genericio::read(MPI_COMM_WORLD, genericio_vectors() / vector.file);
    expect_equal_soa(soa, expected_soa(vector, {static_cast<std::size_t>(world_rank())}), vector.file);
  }
}

TEST(GenericIOCollectiveRead, EveryVectorRedistributedOnAnyRankCount) {
  // Direct reads too: the reference's files have blocks at any offset, so the O_DIRECT path reads
  // them through its bounce buffer with unaligned heads and tails.
  for (const IoMode io : {IoMode::Buffered, IoMode::Direct}) {
    for (const TestVector& vector : test_vectors()) {
      SCOPED_TRACE(vector.file + (io == IoMode::Direct ? " (direct)" : ""));
      const SoA soa = genericio::read(MPI_COMM_WORLD, genericio_vectors() / vector.file, std::nullopt,
                                      genericio::ReadOptions{.mismatch = genericio::Mismatch::Redistribute, .io = io});
      const auto mine = genericio::redistributed_file_ranks(
          vector.ranks.size(), static_cast<std::size_t>(world_size()), static_cast<std::size_t>(world_rank()));
      expect_equal_soa(soa, expected_soa(vector, mine), vector.file);
    }
  }
}

TEST(GenericIOCollectiveRead, RedistributionRuleOfTheReference) {
  using V = std::vector<std::size_t>;
  EXPECT_EQ(genericio::redistributed_file_ranks(4, 3, 0), V{0});
  EXPECT_EQ(genericio::redistributed_file_ranks(4, 3, 2), (V{2, 3}));
  EXPECT_EQ(genericio::redistributed_file_ranks(4, 6, 0), V{});
  EXPECT_EQ(genericio::redistributed_file_ranks(4, 6, 1), V{});
  EXPECT_EQ(genericio::redistributed_file_ranks(4, 6, 2), V{3});
  EXPECT_EQ(genericio::redistributed_file_ranks(4, 6, 5), V{0});
  EXPECT_EQ(genericio::redistributed_file_ranks(4, 1, 0), (V{0, 1, 2, 3}));
  EXPECT_EQ(genericio::redistributed_file_ranks(8, 8, 7), V{7});
}

TEST(GenericIOCollectiveRead, DisallowedNeedsTheSameLayout) {
  for (const TestVector& vector : test_vectors()) {
    if (vector.ranks.size() == static_cast<std::size_t>(world_size())) continue;
    EXPECT_THROW((void)genericio::read(MPI_COMM_WORLD, genericio_vectors() / vector.file), LayoutMismatch) << vector.file;
  }
  if (world_size() != 4) return;
  // On a Cartesian communicator the dims must match too: r4_cart was written on 2x2x1.
  MPI_Comm cart = MPI_COMM_NULL;
  const int dims[3] = {2, 2, 1}, periods[3] = {0, 0, 0};
  MPI_Cart_create(MPI_COMM_WORLD, 3, dims, periods, 0, &cart);
  expect_equal_soa(genericio::read(cart, genericio_vectors() / "r4_cart.gio"),
                   expected_soa(test_vector("r4_cart.gio"), {static_cast<std::size_t>(world_rank())}), "cart");
  EXPECT_THROW((void)genericio::read(cart, genericio_vectors() / "r4_blocks_raw.gio"), LayoutMismatch);
  MPI_Comm_free(&cart);
}

TEST(GenericIOCollectiveRead, CorruptFilesFailOnEveryRank) {
  for (const IoMode io : {IoMode::Buffered, IoMode::Direct}) {
    for (const std::string file : {"bad_header_crc.gio", "bad_data_crc.gio"}) {
      try {
        (void)genericio::read(MPI_COMM_WORLD, genericio_vectors() / file, std::nullopt,
                              genericio::ReadOptions{.mismatch = genericio::Mismatch::Redistribute, .io = io});
        ADD_FAILURE() << file << " was read";
      } catch (const CorruptFile& e) {
        EXPECT_NE(std::string(e.what()).find(file), std::string::npos) << e.what();
      }
    }
  }
  // Truncated copies: only some ranks read the damaged part, yet every rank throws, nobody hangs.
  ScratchDir scratch;
  const auto path = scratch / "r4_compressed.gio";
  const std::uint64_t size = std::filesystem::file_size(genericio_vectors() / "r4_compressed.gio");
  for (const std::uint64_t length : {std::uint64_t{0}, std::uint64_t{100}, std::uint64_t{4144}, size / 2, size - 1}) {
    if (world_rank() == 0) {
      copy_vector(scratch.path(), "r4_compressed.gio");
      std::filesystem::resize_file(path, length);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    EXPECT_THROW((void)genericio::read(MPI_COMM_WORLD, path, std::nullopt, genericio::Mismatch::Redistribute), CorruptFile)
        << length;
    MPI_Barrier(MPI_COMM_WORLD);
  }
}

TEST(GenericIOCollectiveRead, MissingFileIsIoErrorEverywhere) {
  EXPECT_THROW((void)genericio::read(MPI_COMM_WORLD, "/nonexistent/soastore.gio"), IoError);
}
