// Both stores with io = buffered, direct and auto on 1-4 ranks: bit-exact round trips; direct
// GenericIO files with aligned blocks; a file system that refuses O_DIRECT (injected EINVAL at
// open and at the first write) and a tmpfs, silently working; injected ENOSPC, EIO and short
// writes during a direct write giving the same typed errors as buffered and losing nothing; and a
// real small ext4 disk (loop device) filled to ENOSPC with the stored values intact; under auto,
// reads follow how their key was written.
#include <gtest/gtest.h>

#include <fcntl.h>

#include <cerrno>
#include <cstring>
#include <functional>

#include "io/file.hpp"
#include "io/system_calls.hpp"
#include "reliability_support.hpp"
#include "soastore/genericio_mpi.hpp"
#include "stores/file_names.hpp"
#include "support/test_paths.hpp"

using namespace soastore;
using namespace soastore::testing;

namespace {

StoreOptions with_io(IoMode mode) {
  StoreOptions options;
  options.io = mode;
  return options;
}

// A GenericIOStore and a NumpyStore with io = `mode`, their files under `dir` (prefixes "gio" and
// "npz"): what the tests here run alike on both stores.
struct BothStores {
  GenericIOStore genericio;
  NumpyStore numpy;

  BothStores(const Partition& partition, const std::filesystem::path& dir, IoMode mode)
      : genericio(partition, 1.0, dir / "gio", with_io(mode)), numpy(partition, dir / "npz", with_io(mode)) {}

  void set(const std::string& key, const SoA& value) {
    genericio.set(key, value);
    numpy.set(key, value);
  }
  void expect_holds(const std::string& key, const SoA& value) {
    expect_same(genericio.get(key), value);
    expect_same(numpy.get(key), value);
  }
};

// Runs `operation` expecting IoError with `error_number` (any when 0) where `fails_here`.
void expect_io_error(bool fails_here, const std::function<void()>& operation, int error_number) {
  try {
    operation();
    EXPECT_FALSE(fails_here) << "expected an IoError";
  } catch (const IoError& e) {
    EXPECT_TRUE(fails_here) << e.what();
    if (error_number != 0) { EXPECT_EQ(e.error_number(), error_number) << e.what(); }
  }
}

// 1M rows x 20 bytes: 20 MB per rank (auto goes direct), several staging buffers, odd tail.
constexpr std::size_t kLargeRows = 1000001;

// Refusals injected into the system-call table: O_DIRECT at open, or at the first write.
struct Refusal {
  bool at_open = false;
  bool at_write = false;
} refusal;

int refusing_open(const char* path, int flags, mode_t mode) {
  if (refusal.at_open && (flags & O_DIRECT) != 0) {
    errno = EINVAL;
    return -1;
  }
  return io::os_system_calls().open(path, flags, mode);
}

ssize_t refusing_pwrite(int fd, const void* buffer, size_t count, off_t offset) {
  if (refusal.at_write && (fcntl(fd, F_GETFL) & O_DIRECT) != 0) {
    errno = EINVAL;
    return -1;
  }
  return io::os_system_calls().pwrite(fd, buffer, count, offset);
}

ssize_t refusing_pwritev(int fd, const iovec* iov, int iovcnt, off_t offset) {
  if (refusal.at_write && (fcntl(fd, F_GETFL) & O_DIRECT) != 0) {
    errno = EINVAL;
    return -1;
  }
  return io::os_system_calls().pwritev(fd, iov, iovcnt, offset);
}

}  // namespace

TEST(DirectIoStores, EveryModeRoundTripsBitExactInBothStores) {
  ScratchDir scratch;
  Partition partition;
  for (const IoMode mode : {IoMode::Buffered, IoMode::Direct, IoMode::Auto}) {
    const std::string name = mode == IoMode::Buffered ? "buffered" : mode == IoMode::Direct ? "direct" : "auto";
    GenericIOStore genericio(partition, 1.0, scratch / ("gio_" + name), with_io(mode));
    NumpyStore numpy(partition, scratch / ("npz_" + name), with_io(mode));
    EXPECT_EQ(genericio.settings().io, mode);
    for (const std::size_t rows : {std::size_t{0}, std::size_t{37}, kLargeRows}) {
      const SoA soa = rank_soa(rows + static_cast<std::size_t>(world_rank()), static_cast<int>(rows % 7));
      genericio.set("k", soa);
      numpy.set("k", soa);
      expect_same(genericio.get("k"), soa);
      expect_same(numpy.get("k"), soa);
      const genericio::FileInfo info = genericio::inspect(stores::genericio_file_name(scratch / ("gio_" + name), "k"));
      // Direct: blocks on 4 KiB boundaries, which takes block headers; auto: direct for 20 MB per
      // rank, buffered (the reference's layout) below.
      const bool direct_layout = mode == IoMode::Direct || (mode == IoMode::Auto && rows == kLargeRows);
      EXPECT_EQ(info.block_headers, direct_layout) << name << " " << rows;
      MPI_Barrier(MPI_COMM_WORLD);  // every rank inspected before rank 0 replaces or removes the file
    }
  }
}

TEST(DirectIoStores, RefusedODirectIsSilentlyBuffered) {
  const Mount disk = Mount::tmpfs("size=256m");
  SOASTORE_REQUIRE_MOUNT(disk);
  Partition partition;
  io::SystemCalls calls = io::os_system_calls();
  calls.open = refusing_open;
  calls.pwrite = refusing_pwrite;
  calls.pwritev = refusing_pwritev;
  const io::ScopedSystemCalls scoped(calls);
  // A tmpfs (kernels before 6.6 refuse O_DIRECT there; newer ones take it), then refusals at
  // open and at the first write, each in a directory of its own (the refusal is remembered per
  // directory).
  int round = 0;
  for (const Refusal how : {Refusal{false, false}, Refusal{true, false}, Refusal{false, true}}) {
    refusal = how;
    const std::filesystem::path dir = disk.path() / ("d" + std::to_string(round++));
    if (world_rank() == 0) std::filesystem::create_directory(dir);
    MPI_Barrier(MPI_COMM_WORLD);
    BothStores stores(partition, dir, IoMode::Direct);
    const SoA soa = rank_soa(kLargeRows, round);
    stores.set("k", soa);
    stores.expect_holds("k", soa);
    if (how.at_open || how.at_write) {
      EXPECT_TRUE(io::direct_refused(dir / "x"));
    }
  }
  refusal = {};
}

TEST(DirectIoStores, InjectedFaultsAreTypedErrorsAndLoseNothing) {
  ScratchDir scratch;
  Partition partition;
  BothStores stores(partition, scratch.path(), IoMode::Direct);
  GenericIOStore& genericio = stores.genericio;
  NumpyStore& numpy = stores.numpy;
  const SoA before = rank_soa(kLargeRows, 1);
  stores.set("k", before);
  const bool on_last = world_rank() == world_size() - 1;
  for (const int error : {ENOSPC, EIO}) {
    {
      const InjectedFaults faults({.write_errno = error}, on_last);
      const SoA next = rank_soa(kLargeRows, 2);
      expect_io_error(true, [&] { genericio.set("k", next); }, error);  // collective: every rank
      expect_io_error(on_last, [&] { numpy.set("k", next); }, error);
    }
    EXPECT_FALSE(any_partial_file(scratch.path()));
    expect_same(genericio.get("k"), before);
    if (on_last) {
      expect_same(numpy.get("k"), before);
    }
  }
  {
    // Short writes and EINTR: continued (aligned remainders direct, unaligned ones buffered).
    const InjectedFaults faults({.eintr_before_each = 1, .max_transfer = 100000}, true);
    const SoA next = rank_soa(kLargeRows, 3);
    stores.set("k", next);
    stores.expect_holds("k", next);
  }
}

TEST(DirectIoStores, ASmallExt4DiskFilledToEnospcLosesNothing) {
  if (!loop_devices_available()) GTEST_SKIP() << "no loop devices here (/dev/loop-control): cannot make an ext4 disk";
  Mount disk = Mount::ext4_loop(16);
  SOASTORE_REQUIRE_MOUNT(disk);
  Partition partition;
  {
    BothStores stores(partition, disk.path(), IoMode::Direct);
    const SoA small = rank_soa(1000, 1);
    stores.set("keep", small);
    // 20 MB per rank on a 16 MiB disk: every rank's own archive alone does not fit.
    const SoA huge = rank_soa((20u << 20) / 20, 2);
    for (int round = 0; round < 2; ++round) {  // the second round proves the space came back
      expect_io_error(true, [&] { stores.genericio.set("big", huge); }, ENOSPC);
      expect_io_error(true, [&] { stores.numpy.set("big", huge); }, ENOSPC);
      EXPECT_FALSE(stores.genericio.contains("big"));
      EXPECT_FALSE(stores.numpy.contains("big"));
      EXPECT_FALSE(any_partial_file(disk.path()));
      stores.expect_holds("keep", small);
    }
    // What fits is stored, direct, after the failures.
    const SoA fits = rank_soa((2u << 20) / 20 / static_cast<std::size_t>(world_size()), 3);
    stores.set("fits", fits);
    stores.expect_holds("fits", fits);
  }
  MPI_Barrier(MPI_COMM_WORLD);
}

namespace {

// Bytes this rank read with O_DIRECT while `read` ran.
std::uint64_t direct_bytes_read_by(const std::function<void()>& read) {
  const std::uint64_t before = io_counters().bytes_read_direct;
  read();
  return io_counters().bytes_read_direct - before;
}

}  // namespace

// Under auto a read follows how its key was written: one field of a value written direct is
// read direct although it is far below the threshold itself; a small value is read buffered.
TEST(DirectIoStores, AutoReadsFollowHowTheKeyWasWritten) {
  Partition partition;
  ScratchDir scratch;
  BothStores stores(partition, scratch.path(), IoMode::Auto);
  const SoA large = rank_soa(kLargeRows, 1);
  const SoA small = rank_soa(1000, 2);
  for (Store* store : std::initializer_list<Store*>{&stores.genericio, &stores.numpy}) {
    store->set("large", large);
    store->set("small", small);
    const SoA field = SoA{{"mass", large.at("mass")}};
    ASSERT_LT(large.at("mass").nbytes(), kDirectIoThreshold);
    EXPECT_GE(direct_bytes_read_by([&] { expect_same(store->get_field("large", "mass"), field); }),
              large.at("mass").nbytes());
    EXPECT_EQ(direct_bytes_read_by([&] { expect_same(store->get("small"), small); }), 0u);
  }
}
