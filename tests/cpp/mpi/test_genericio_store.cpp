// GenericIOStore on disk, on 1-4 ranks: round trips with 0-row ranks, the reference's file names
// and header facts, get_field reading only its bytes, failed sets keeping the previous value,
// and removal.
#include <gtest/gtest.h>
#include <mpi.h>

#include <atomic>
#include <cerrno>

#include "io/system_calls.hpp"
#include "soastore/genericio_mpi.hpp"
#include "soastore/soastore.hpp"
#include "support/test_paths.hpp"

using namespace soastore;
using namespace soastore::testing;

namespace {

// Rank r holds 3*r rows, so rank 0 has none.
SoA halo_soa(int rank, std::size_t rows) {
  std::vector<std::int64_t> ids(rows);
  std::vector<float> x(rows);
  std::vector<double> mass(rows);
  std::vector<std::uint16_t> flags(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    ids[i] = static_cast<std::int64_t>(1000 * rank + i);
    x[i] = static_cast<float>(i) + 0.5f;
    mass[i] = 1e10 * static_cast<double>(i + 1);
    flags[i] = static_cast<std::uint16_t>(65535 - i);
  }
  SoA soa;
  soa["id"] = Array::from(std::move(ids));
  soa["x"] = Array::from(std::move(x));
  soa["mass"] = Array::from(std::move(mass));
  soa["flags"] = Array::from(std::move(flags));
  return soa;
}

void expect_same(const SoA& actual, const SoA& expected) {
  ASSERT_EQ(actual.names(), expected.names());
  for (const auto& [name, array] : expected) EXPECT_TRUE(equal(actual.at(name), array)) << name;
}

bool exists_anywhere(const std::filesystem::path& path, MPI_Comm comm) {
  int found = std::filesystem::exists(path) ? 1 : 0;
  MPI_Allreduce(MPI_IN_PLACE, &found, 1, MPI_INT, MPI_MAX, comm);
  return found != 0;
}

std::atomic<std::uint64_t> bytes_read{0};

ssize_t counting_pread(int fd, void* buffer, size_t count, off_t offset) {
  const ssize_t n = io::os_system_calls().pread(fd, buffer, count, offset);
  if (n > 0) bytes_read += static_cast<std::uint64_t>(n);
  return n;
}

ssize_t counting_preadv(int fd, const iovec* iov, int iovcnt, off_t offset) {
  const ssize_t n = io::os_system_calls().preadv(fd, iov, iovcnt, offset);
  if (n > 0) bytes_read += static_cast<std::uint64_t>(n);
  return n;
}

}  // namespace

TEST(GenericIOStoreOnDisk, RoundTripWithEmptyRanks) {
  Partition partition;
  ScratchDir scratch;
  GenericIOStore store(partition, 62.5, scratch / "tmp");
  const SoA original = halo_soa(partition.rank(), 3 * static_cast<std::size_t>(partition.rank()));
  store.set("step_1", original);
  const auto file = scratch / "tmp_step_1.tmp.gio";
  EXPECT_TRUE(std::filesystem::exists(file));
  expect_same(store.get("step_1"), original);
  expect_same(store.get_field("step_1", {"mass", "id"}), SoA{{"mass", original.at("mass")}, {"id", original.at("id")}});
  EXPECT_THROW((void)store.get_field("step_1", "nope"), KeyNotFound);

  const genericio::FileInfo info = genericio::inspect(file);
  EXPECT_EQ(info.phys_scale, (std::array<double, 3>{62.5, 62.5, 62.5}));
  EXPECT_EQ(info.phys_origin, (std::array<double, 3>{0, 0, 0}));
  ASSERT_EQ(info.ranks.size(), static_cast<std::size_t>(partition.nranks()));
  for (int d = 0; d < 3; ++d) EXPECT_EQ(info.dims[d], static_cast<std::uint64_t>(partition.decomposition()[d]));
  EXPECT_EQ(info.ranks[static_cast<std::size_t>(partition.rank())].rows, 3u * static_cast<unsigned>(partition.rank()));
  EXPECT_EQ(info.variables[3].dtype, DType::UInt16);

  // set replaces; pop reads and deletes; remove deletes. The barrier: every rank has inspected
  // the file before rank 0 moves it aside for the new value (files are the store's between its
  // operations; a program that reads them itself synchronises first).
  MPI_Barrier(partition.comm());
  store.set("step_1", halo_soa(partition.rank(), 2));
  expect_same(store.get("step_1"), halo_soa(partition.rank(), 2));
  store.set("step_2", original);
  expect_same(store.pop("step_2"), original);
  EXPECT_FALSE(exists_anywhere(scratch / "tmp_step_2.tmp.gio", partition.comm()));
  store.remove("step_1");
  EXPECT_FALSE(exists_anywhere(file, partition.comm()));
  EXPECT_EQ(store.size(), 0u);
  EXPECT_THROW(store.remove("step_1"), KeyNotFound);
}

TEST(GenericIOStoreOnDisk, GetFieldReadsOnlyTheFieldsBytes) {
  Partition partition;
  ScratchDir scratch;
  GenericIOStore store(partition, 1.0, scratch / "tmp");
  const std::size_t rows = 1000 * static_cast<std::size_t>(partition.rank());
  store.set("k", halo_soa(partition.rank(), rows));
  {
    io::SystemCalls calls = io::system_calls();
    calls.pread = counting_pread;
    calls.preadv = counting_preadv;
    io::ScopedSystemCalls counting(calls);
    bytes_read = 0;
    const SoA x = store.get_field("k", "x");
    // x's payload and its CRC, at the offsets the store kept from its write: not even the header.
    EXPECT_EQ(bytes_read.load(), rows * sizeof(float) + 8);
    bytes_read = 0;
    const SoA whole = store.get("k");
    EXPECT_EQ(bytes_read.load(), rows * (8 + 4 + 8 + 2) + 4 * 8);
  }
  store.remove("k");
}

TEST(GenericIOStoreOnDisk, FailedSetKeepsThePreviousValue) {
  Partition partition;
  ScratchDir scratch;
  GenericIOStore store(partition, 1.0, scratch / "tmp");
  const SoA original = halo_soa(partition.rank(), 5);
  store.set("k", original);

  // Invalid data on the last rank only: every rank refuses before anything is written.
  SoA bad = halo_soa(partition.rank(), 5);
  if (partition.rank() == partition.nranks() - 1) bad["x"] = Array::from(std::vector<float>{1.0f});
  EXPECT_THROW(store.set("k", bad), InvalidData);
  SoA two_d = original;
  two_d["x"] = Array::from(std::vector<float>(10, 1.0f), {5, 2});
  EXPECT_THROW(store.set("k", two_d), InvalidData);
  expect_same(store.get("k"), original);

  // A full disk on one rank while writing: all ranks throw, the old file stays, no stray file.
  {
    io::SystemCalls calls = io::system_calls();
    if (partition.rank() == partition.nranks() - 1) {
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
    EXPECT_THROW(store.set("k", halo_soa(partition.rank(), 7)), IoError);
  }
  expect_same(store.get("k"), original);
  EXPECT_FALSE(exists_anywhere(scratch / "tmp_k.tmp.gio.partial", partition.comm()));
  // A key that was never set successfully does not exist.
  {
    SoA bad_new = bad;
    EXPECT_THROW(store.set("new", bad_new), InvalidData);
  }
  EXPECT_FALSE(store.contains("new"));
  EXPECT_FALSE(exists_anywhere(scratch / "tmp_new.tmp.gio", partition.comm()));
  store.remove("k");
}

TEST(GenericIOStoreOnDisk, ReadingOnAnotherRankCountIsALayoutMismatch) {
  Partition partition;
  ScratchDir scratch;
  GenericIOStore store(partition, 1.0, scratch / "tmp");
  store.set("k", halo_soa(partition.rank(), 4));
  MPI_Barrier(partition.comm());
  if (partition.nranks() > 1 && partition.rank() == 0) {
    EXPECT_THROW((void)genericio::read(MPI_COMM_SELF, scratch / "tmp_k.tmp.gio"), LayoutMismatch);
  }
  MPI_Barrier(partition.comm());
  store.remove("k");
}
