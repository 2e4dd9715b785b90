// GenericIO with direct I/O on 1-4 ranks: bit-exact round trips (raw, components, 0-row ranks,
// compressed), every block on a 4 KiB boundary with the header saying so, the file read through
// the reference's documented reading rules alone (../shared/docs/genericio-format.md §2, §5),
// auto choosing by bytes per rank, and buffered writes unchanged (GenericIOByteIdentical).
// Reads with io=direct: bit-exact from files written buffered and direct, counted as O_DIRECT
// reads, auto choosing by the bytes this rank reads, and damaged blocks still CorruptFile.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cstring>

#include "genericio/file_bytes.hpp"
#include "io/file.hpp"
#include "soastore/errors.hpp"
#include "soastore/io_counters.hpp"
#include "soastore/genericio_mpi.hpp"
#include "support/mpi_world.hpp"
#include "support/reference_reading_rules.hpp"
#include "support/test_paths.hpp"

using namespace soastore;
using namespace soastore::testing;

namespace {

std::uint64_t u64_at(const std::vector<std::byte>& bytes, std::uint64_t offset) {
  std::uint64_t value = 0;
  std::memcpy(&value, bytes.data() + offset, 8);  // little-endian host and file
  return value;
}

// This rank's data: rows vary by rank (rank 1 has none), a float[3] variable among them.
SoA rank_data(std::size_t base_rows) {
  const int rank = world_rank();
  const std::size_t rows = rank == 1 ? 0 : base_rows + 977 * static_cast<std::size_t>(rank);
  std::vector<std::int64_t> ids(rows);
  std::vector<float> pos(3 * rows);
  std::vector<double> mass(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    ids[i] = rank * 10000000 + static_cast<std::int64_t>(i);
    for (std::size_t k = 0; k < 3; ++k) pos[3 * i + k] = static_cast<float>(i % 1000) + 0.25f * static_cast<float>(k);
    mass[i] = 1.0 / static_cast<double>(i + 1);
  }
  SoA soa;
  soa["id"] = Array::from(std::move(ids));
  soa["pos"] = Array::from(std::move(pos), {rows, 3});
  soa["mass"] = Array::from(std::move(mass));
  return soa;
}

void expect_same(const SoA& actual, const SoA& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (const auto& [name, array] : expected) {
    ASSERT_TRUE(actual.contains(name)) << name;
    const auto a = actual.at(name).bytes(), b = array.bytes();
    ASSERT_EQ(a.size(), b.size()) << name;
    if (!a.empty()) {
      EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size()), 0) << name;
    }
  }
}

// Reads the file as the reference does (support/reference_reading_rules.hpp: HeaderSize and the
// header CRC, then every block at its block header's Start with its Size and the CRC trailer
// right after it), for every rank of the file. Checks that the file has block headers, that each
// block starts on a 4 KiB boundary, that each rank header's Start is its first block's, and that
// the payload of this rank's blocks equals `mine`.
void read_by_the_reference_rules(const std::filesystem::path& path, const SoA& mine) {
  for (std::uint64_t r = 0; r < static_cast<std::uint64_t>(world_size()); ++r) {
    const ReferenceRead read = read_by_reference_rules(path, r);
    ASSERT_EQ(read.nranks, static_cast<std::uint64_t>(world_size()));
    ASSERT_EQ(read.variables.size(), mine.size());
    ASSERT_EQ(read.blocks_size, 48u) << "direct files have block headers";
    EXPECT_EQ(read.rank_start, read.variables.at(mine.begin()->first).start) << "rank " << r;
    for (const auto& [name, array] : mine) {
      const ReferenceRead::Block& block = read.variables.at(name);
      EXPECT_EQ(block.start % 4096, 0u) << "rank " << r << " variable " << name;
      if (r == static_cast<std::uint64_t>(world_rank())) {
        ASSERT_EQ(block.payload.size(), array.nbytes()) << name;
        if (!block.payload.empty()) {
          EXPECT_EQ(std::memcmp(block.payload.data(), array.bytes().data(), block.payload.size()), 0) << name;
        }
      }
    }
  }
}

// Whether O_DIRECT reads work in `scratch` (they do on ext4; a tmpfs scratch refuses them).
bool direct_reads_work(const ScratchDir& scratch) {
  const std::filesystem::path probe = scratch / ("probe" + std::to_string(world_rank()));
  write_file_bytes(probe, std::vector<std::byte>(1));
  return io::File::open_read(probe).open_direct_twin().has_value();
}

std::uint64_t bytes_read_direct() { return io_counters().bytes_read_direct; }

}  // namespace

TEST(GenericIODirect, DirectReadsAreBitExactFromBufferedAndDirectFiles) {
  ScratchDir scratch;
  const bool direct_works = direct_reads_work(scratch);
  for (const IoMode written : {IoMode::Buffered, IoMode::Direct}) {
    // Blocks at odd offsets (buffered: the reference's layout) and on 4 KiB boundaries (direct);
    // odd sizes, so every block has an unaligned tail; tiny ranks and an empty one.
    for (const std::size_t rows : {std::size_t{3}, std::size_t{100003}}) {
      SCOPED_TRACE(::testing::Message() << (written == IoMode::Direct ? "direct" : "buffered") << " file, " << rows);
      const SoA soa = rank_data(rows);
      genericio::WriteOptions options;
      options.io = written;
      genericio::write(MPI_COMM_WORLD, scratch / "f.gio", soa, options);
      const genericio::ReadOptions direct{.io = IoMode::Direct};
      const std::uint64_t before = bytes_read_direct();
      expect_same(genericio::read(MPI_COMM_WORLD, scratch / "f.gio", std::nullopt, direct), soa);
      std::uint64_t mine = 0;
      for (const auto& [name, array] : soa) mine += array.nbytes();
      if (direct_works) {
        EXPECT_GE(bytes_read_direct() - before, mine) << "the O_DIRECT path read this rank's blocks";
      }
      const SoA some = genericio::read(MPI_COMM_WORLD, scratch / "f.gio", std::vector<std::string>{"pos", "id"}, direct);
      expect_same(some, SoA{{"pos", soa.at("pos")}, {"id", soa.at("id")}});
    }
  }
}

TEST(GenericIODirect, AutoReadsDirectFromTheThresholdOn) {
  ScratchDir scratch;
  if (!direct_reads_work(scratch)) GTEST_SKIP() << "the scratch file system refuses O_DIRECT";
  const genericio::ReadOptions automatic{.io = IoMode::Auto};
  for (const std::size_t rows : {std::size_t{1000}, std::size_t{700000}}) {
    const SoA soa = rank_data(rows);
    genericio::write(MPI_COMM_WORLD, scratch / "a.gio", soa, {});
    std::uint64_t mine = 0;
    for (const auto& [name, array] : soa) mine += array.nbytes();
    const std::uint64_t before = bytes_read_direct();
    expect_same(genericio::read(MPI_COMM_WORLD, scratch / "a.gio", std::nullopt, automatic), soa);
    // The blocks and trailers this rank reads decide, rank by rank (rank 1 has none).
    const bool expected = mine + 3 * 8 >= kDirectIoThreshold;
    EXPECT_EQ(bytes_read_direct() - before > 0, expected) << mine;
  }
}

TEST(GenericIODirect, DamagedBlocksAreCorruptUnderDirectReads) {
  ScratchDir scratch;
  genericio::WriteOptions options;
  options.io = IoMode::Direct;
  genericio::write(MPI_COMM_WORLD, scratch / "d.gio", rank_data(100003), options);
  if (world_rank() == 0) {
    // One byte in the middle of rank 0's first block, one in its unaligned last 4 KiB.
    std::vector<std::byte> file = read_file_bytes(scratch / "d.gio");
    const std::uint64_t header = u64_at(file, 160);
    const std::uint64_t start = u64_at(file, header + 32), size = u64_at(file, header + 40);
    file[start + size / 2] ^= std::byte{1};
    file[start + size - 3] ^= std::byte{1};
    write_file_bytes(scratch / "d.gio", file);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  try {
    (void)genericio::read(MPI_COMM_WORLD, scratch / "d.gio", std::nullopt, genericio::ReadOptions{.io = IoMode::Direct});
    ADD_FAILURE() << "a damaged block was read";
  } catch (const CorruptFile& e) {
    EXPECT_NE(std::string(e.what()).find("CRC"), std::string::npos) << e.what();
  }
}

TEST(GenericIODirect, RoundTripIsBitExactAndEveryBlockIsAligned) {
  ScratchDir scratch;
  const SoA soa = rank_data(100003);  // about 3.2 MB per rank, odd sizes: padding everywhere
  genericio::WriteOptions options;
  options.io = IoMode::Direct;
  options.phys_scale = {64.0, 64.0, 64.0};
  genericio::write(MPI_COMM_WORLD, scratch / "direct.gio", soa, options);
  expect_same(genericio::read(MPI_COMM_WORLD, scratch / "direct.gio"), soa);
  read_by_the_reference_rules(scratch / "direct.gio", soa);
  const genericio::VerifyReport report = genericio::verify(scratch / "direct.gio");
  EXPECT_TRUE(report.problems.empty()) << report.problems.front();
  const genericio::FileInfo info = genericio::inspect(scratch / "direct.gio");
  EXPECT_TRUE(info.block_headers);
  EXPECT_EQ(info.phys_scale[0], 64.0);
}

TEST(GenericIODirect, SmallAndEmptyRanksAndSelectedVariables) {
  ScratchDir scratch;
  const SoA soa = rank_data(3);
  genericio::WriteOptions options;
  options.io = IoMode::Direct;
  genericio::write(MPI_COMM_WORLD, scratch / "small.gio", soa, options);
  expect_same(genericio::read(MPI_COMM_WORLD, scratch / "small.gio"), soa);
  read_by_the_reference_rules(scratch / "small.gio", soa);
  const SoA some = genericio::read(MPI_COMM_WORLD, scratch / "small.gio", std::vector<std::string>{"mass"});
  ASSERT_EQ(some.size(), 1u);
  expect_same(some, SoA{{"mass", soa.at("mass")}});
}

TEST(GenericIODirect, CompressedBlocksAreAlignedToo) {
  ScratchDir scratch;
  const SoA soa = rank_data(50000);
  genericio::WriteOptions options;
  options.io = IoMode::Direct;
  options.compress = true;
  genericio::write(MPI_COMM_WORLD, scratch / "c.gio", soa, options);
  expect_same(genericio::read(MPI_COMM_WORLD, scratch / "c.gio"), soa);
  EXPECT_GT(genericio::inspect(scratch / "c.gio").compressed_blocks, 0u);
  EXPECT_TRUE(genericio::verify(scratch / "c.gio").problems.empty());
}

TEST(GenericIODirect, OverwritingALargerFileLeavesExactlyTheNewOne) {
  ScratchDir scratch;
  genericio::WriteOptions options;
  options.io = IoMode::Direct;
  genericio::write(MPI_COMM_WORLD, scratch / "o.gio", rank_data(200000), options);
  const SoA small = rank_data(1000);
  genericio::write(MPI_COMM_WORLD, scratch / "o.gio", small, options);
  expect_same(genericio::read(MPI_COMM_WORLD, scratch / "o.gio"), small);
  read_by_the_reference_rules(scratch / "o.gio", small);
}

TEST(GenericIODirect, AutoIsBufferedForSmallAndDirectForLargeWrites) {
  ScratchDir scratch;
  genericio::WriteOptions options;
  options.io = IoMode::Auto;
  const SoA small = rank_data(1000);
  genericio::write(MPI_COMM_WORLD, scratch / "small.gio", small, options);
  EXPECT_FALSE(genericio::inspect(scratch / "small.gio").block_headers) << "small: the reference's layout";
  // The largest rank's bytes (blocks and their CRC trailers) decide, alike on every rank (rank 1
  // has no rows).
  const SoA large = rank_data(700000);
  std::uint64_t mine = 0, largest = 0;
  for (const auto& [name, array] : large) mine += array.nbytes() + 8;
  MPI_Allreduce(&mine, &largest, 1, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD);
  const bool expected = largest >= kDirectIoThreshold;
  genericio::write(MPI_COMM_WORLD, scratch / "large.gio", large, options);
  EXPECT_EQ(genericio::inspect(scratch / "large.gio").block_headers, expected) << largest;
  expect_same(genericio::read(MPI_COMM_WORLD, scratch / "large.gio"), large);
  if (world_size() == 1) {
    EXPECT_TRUE(expected) << "one rank of 19.6 MB is large";
  }
}
