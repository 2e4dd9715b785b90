// Collective GenericIO writes: the same inputs as the reference give the reference's bytes (one
// test per uncompressed, unsplit vector, on its rank count), round trips with 0-row ranks, and
// errors agreed on by every rank.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cerrno>
#include <filesystem>
#include <optional>
#include <vector>

#include "support/mpi_world.hpp"
#include "genericio/file_bytes.hpp"
#include "genericio/vector_catalog.hpp"
#include "io/system_calls.hpp"
#include "soastore/errors.hpp"
#include "soastore/genericio_mpi.hpp"
#include "support/test_paths.hpp"

using namespace soastore;
using namespace soastore::testing;

using soastore::testing::world_rank;
using soastore::testing::world_size;

namespace {

// Writes the vector's data as its writer did (rows per rank, variable order and flags, origin,
// scale, dims, partitions) and compares the bytes with the reference's file (and sub-files).
void expect_byte_identical(const std::string& file, bool cartesian = false,
                           std::optional<std::int32_t> partition = std::nullopt,
                           const std::vector<std::string>& subfiles = {}) {
  const TestVector& vector = test_vector(file);
  if (vector.ranks.size() != static_cast<std::size_t>(world_size())) GTEST_SKIP() << file << " needs " << vector.ranks.size() << " ranks";
  genericio::WriteOptions options;
  options.phys_origin = vector.phys_origin;
  options.phys_scale = vector.phys_scale;
  options.block_headers = vector.block_headers;
  options.partition = partition;
  for (const auto& variable : vector.variables) {
    const std::uint64_t extra = variable.flags & ~std::uint64_t{3};
    if (extra != 0) options.variable_flags[variable.name] = extra;
  }
  MPI_Comm comm = MPI_COMM_WORLD;
  if (cartesian) {
    int dims[3], periods[3] = {0, 0, 0};
    for (int d = 0; d < 3; ++d) dims[d] = static_cast<int>(vector.dims[d]);
    MPI_Cart_create(MPI_COMM_WORLD, 3, dims, periods, 0, &comm);
  }
  ScratchDir scratch;
  genericio::write(comm, scratch / file, expected_soa(vector, {static_cast<std::size_t>(world_rank())}), options);
  if (cartesian) MPI_Comm_free(&comm);
  if (world_rank() == 0) {
    std::vector<std::string> members = {file};
    members.insert(members.end(), subfiles.begin(), subfiles.end());
    for (const std::string& member : members) {
      const auto ours = read_file_bytes(scratch / member);
      const auto theirs = read_file_bytes(genericio_vectors() / member);
      ASSERT_EQ(ours.size(), theirs.size()) << member;
      const auto diff = std::mismatch(ours.begin(), ours.end(), theirs.begin());
      EXPECT_TRUE(diff.first == ours.end()) << member << ": first difference at byte " << (diff.first - ours.begin());
    }
  }
}

}  // namespace

TEST(GenericIOByteIdentical, r1_basic) { expect_byte_identical("r1_basic.gio"); }
TEST(GenericIOByteIdentical, r2_basic) { expect_byte_identical("r2_basic.gio"); }
TEST(GenericIOByteIdentical, r2_pygio) { expect_byte_identical("r2_pygio.gio"); }
TEST(GenericIOByteIdentical, r2_longname) { expect_byte_identical("r2_longname.gio"); }
TEST(GenericIOByteIdentical, r3_zero_rank) { expect_byte_identical("r3_zero_rank.gio"); }
TEST(GenericIOByteIdentical, r4_cart) { expect_byte_identical("r4_cart.gio", true); }
TEST(GenericIOByteIdentical, r4_blocks_raw) { expect_byte_identical("r4_blocks_raw.gio"); }
// Partitions rank % 2, as its writer set them: the rank map and both sub-files.
TEST(GenericIOByteIdentical, r4_split) {
  expect_byte_identical("r4_split.gio", true, world_rank() % 2, {"r4_split.gio#0", "r4_split.gio#1"});
}

TEST(GenericIOCollectiveWrite, OnePartitionForAllIsOneFile) {
  ScratchDir scratch;
  genericio::WriteOptions options;
  options.partition = 7;
  const SoA soa{{"x", Array::from(std::vector<float>(10 + static_cast<std::size_t>(world_rank()), 1.5F))}};
  genericio::write(MPI_COMM_WORLD, scratch / "one.gio", soa, options);
  EXPECT_TRUE(genericio::inspect(scratch / "one.gio").subfiles.empty());
  EXPECT_FALSE(std::filesystem::exists(scratch / "one.gio#7"));
  options.partition = world_rank() == world_size() - 1 ? -1 : 0;
  EXPECT_THROW(genericio::write(MPI_COMM_WORLD, scratch / "negative.gio", soa, options), InvalidData);
}

TEST(GenericIOCollectiveWrite, RoundTripWithEmptyRanksAndComponents) {
  ScratchDir scratch;
  const std::size_t rows = world_rank() % 2 == 0 ? 0 : 1000 + static_cast<std::size_t>(world_rank());
  std::vector<std::int64_t> ids(rows);
  std::vector<float> pos(3 * rows);
  for (std::size_t i = 0; i < rows; ++i) {
    ids[i] = world_rank() * 100000 + static_cast<std::int64_t>(i);
    for (std::size_t k = 0; k < 3; ++k) pos[3 * i + k] = static_cast<float>(i) + 0.5f * static_cast<float>(k);
  }
  SoA soa;
  soa["id"] = Array::from(std::move(ids));
  soa["pos"] = Array::from(std::move(pos), {rows, 3});
  genericio::write(MPI_COMM_WORLD, scratch / "round.gio", soa, {});
  const SoA back = genericio::read(MPI_COMM_WORLD, scratch / "round.gio");
  EXPECT_TRUE(equal(back.at("id"), soa.at("id")));
  EXPECT_TRUE(equal(back.at("pos"), soa.at("pos")));
  if (world_rank() == 0) {
    const auto info = genericio::inspect(scratch / "round.gio");
    EXPECT_EQ(info.ranks.size(), static_cast<std::size_t>(world_size()));
    EXPECT_EQ(info.variables[1].components, 3u);
  }
}

TEST(GenericIOCollectiveWrite, RanksThatDisagreeFailTogether) {
  ScratchDir scratch;
  SoA soa;
  soa["a"] = Array::from(std::vector<std::int32_t>{1, 2});
  if (world_rank() == world_size() - 1) soa["b"] = Array::from(std::vector<std::int32_t>{1, 2});
  if (world_size() > 1) {
    EXPECT_THROW(genericio::write(MPI_COMM_WORLD, scratch / "x.gio", soa, {}), InvalidData);
  }
  SoA bad = soa;
  if (world_rank() == 0) bad["c"] = Array::from(std::vector<double>{1.0});  // 1 row against 2
  EXPECT_THROW(genericio::write(MPI_COMM_WORLD, scratch / "x.gio", bad, {}), InvalidData);
}

TEST(GenericIOCollectiveWrite, AFailedWriteOnOneRankFailsOnAll) {
  ScratchDir scratch;
  SoA soa;
  soa["a"] = Array::from(std::vector<std::int32_t>(100, world_rank()));
  io::SystemCalls calls = io::system_calls();
  if (world_rank() == world_size() - 1) {
    calls.pwritev = [](int, const iovec*, int, off_t) -> ssize_t {
      errno = ENOSPC;
      return -1;
    };
    calls.pwrite = [](int, const void*, size_t, off_t) -> ssize_t {
      errno = ENOSPC;
      return -1;
    };
  }
  io::ScopedSystemCalls faults(calls);
  try {
    genericio::write(MPI_COMM_WORLD, scratch / "full.gio", soa, {});
    ADD_FAILURE() << "the write succeeded";
  } catch (const IoError& e) {
    EXPECT_EQ(e.error_number(), ENOSPC);
  }
}

TEST(GenericIOCollectiveWrite, CompressedRoundTripWithRawFallback) {
  ScratchDir scratch;
  const std::size_t row_counts[4] = {5000, 0, 20000, 3};
  const std::size_t rows = row_counts[world_rank() % 4];
  std::vector<float> smooth(rows);
  std::vector<std::int64_t> ids(rows);
  std::vector<std::uint16_t> noise(rows);
  std::uint32_t state = 12345u + static_cast<std::uint32_t>(world_rank());
  for (std::size_t i = 0; i < rows; ++i) {
    smooth[i] = static_cast<float>(i / 16) * 0.25f;
    ids[i] = (static_cast<std::int64_t>(world_rank()) << 40) + static_cast<std::int64_t>(i);
    state = state * 1664525u + 1013904223u;
    noise[i] = static_cast<std::uint16_t>(state >> 16);
  }
  SoA soa{{"smooth", Array::from(std::move(smooth))}, {"id", Array::from(std::move(ids))},
          {"noise", Array::from(std::move(noise))}};
  genericio::WriteOptions options;
  options.compress = true;
  options.phys_scale = {1, 1, 1};
  genericio::write(MPI_COMM_WORLD, scratch / "packed.gio", soa, options);
  const SoA back = genericio::read(MPI_COMM_WORLD, scratch / "packed.gio");
  for (const auto& [name, array] : soa) EXPECT_TRUE(equal(back.at(name), array)) << name;
  if (world_rank() == 0) {
    const genericio::FileInfo info = genericio::inspect(scratch / "packed.gio");
    EXPECT_TRUE(info.block_headers);
    // The 0- and 3-row ranks (and incompressible noise) stay raw; the rest is compressed.
    EXPECT_GT(info.compressed_blocks, 0u);
    EXPECT_LT(info.compressed_blocks, 3u * static_cast<std::size_t>(world_size()));
    EXPECT_TRUE(genericio::verify(scratch / "packed.gio").problems.empty());
  }
}
