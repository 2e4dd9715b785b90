// A real archive over 4 GiB: a member larger than 4 GiB and one whose local header lies past
// 4 GiB, so both ZIP64 sizes and offsets are needed. The big array is an untouched anonymous
// mapping (reads as zeros without using memory) with marker bytes at its ends. numpy, zipfile
// and unzip -t read it; we read it mapped, read only the small member, and read the big one
// when memory allows.
// The archive goes to /dev/shm when it has room (memory speed: the test takes seconds, not the
// minutes this machine's disk needs for 4 GiB), else to the disk's scratch directory; the test
// is skipped, saying why, only when neither has room.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <numeric>

#include "npz/npz_test_support.hpp"
#include "soastore/npz.hpp"
#include "support/test_paths.hpp"

using namespace soastore;
using namespace soastore::testing;

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

constexpr std::size_t kBigBytes = (std::size_t{1} << 32) + 12345;

Array zero_array(std::size_t nbytes) {
  void* address = mmap(nullptr, nbytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (address == MAP_FAILED) throw std::bad_alloc();
  std::shared_ptr<void> owner(address, [nbytes](void* region) { munmap(region, nbytes); });
  return Array::wrap(DType::UInt8, {nbytes}, address, std::move(owner));
}

std::uint64_t available_bytes(const std::filesystem::path& directory) {
  struct statvfs disk {};
  if (statvfs(directory.c_str(), &disk) != 0) return 0;
  return static_cast<std::uint64_t>(disk.f_bavail) * disk.f_frsize;
}

TEST(NpzLarge, ArchiveOver4GiBIsReadByNumpyZipfileUnzipAndUs) {
  ScratchDir scratch(MPI_COMM_SELF);
  const std::uint64_t needed = kBigBytes + (std::uint64_t{1} << 30);  // the archive and 1 GiB to spare
  std::filesystem::path directory = "/dev/shm";
  if (available_bytes(directory) < needed) directory = scratch.path();
  if (available_bytes(directory) < needed) {
    GTEST_SKIP() << "needs " << (needed >> 20) << " MiB free in /dev/shm or " << scratch.path() << ", only "
                 << (available_bytes(directory) >> 20) << " MiB available";
  }
  const auto path = directory / ("soastore-npz-large-" + std::to_string(getpid()) + ".npz");
  struct RemoveAtEnd {
    std::filesystem::path path;
    ~RemoveAtEnd() { std::filesystem::remove(path); }
  } remove_at_end{path};
  SoA soa;
  Array big = zero_array(kBigBytes);
  big.as<std::uint8_t>()[0] = 0xab;
  big.as<std::uint8_t>()[kBigBytes - 1] = 0xcd;
  std::vector<std::int64_t> counting(1000);
  std::iota(counting.begin(), counting.end(), 0);
  soa.insert("big", big);
  soa.insert("small", Array::from(std::move(counting)));
  auto start = std::chrono::steady_clock::now();
  npz::save(path, soa);
  std::printf("[ measured ] save of %.2f GiB: %.1f s\n", static_cast<double>(kBigBytes) / (1 << 30), seconds_since(start));
  EXPECT_GT(std::filesystem::file_size(path), kBigBytes);

  const SoA small = npz::load(path, std::vector<std::string>{"small"});
  EXPECT_TRUE(equal(small.at("small"), soa.at("small")));
  start = std::chrono::steady_clock::now();
  const SoA mapped = npz::load(path, std::nullopt, {.map = true});
  std::printf("[ measured ] mapped load with CRC check: %.1f s\n", seconds_since(start));
  const auto bytes = mapped.at("big").as<std::uint8_t>();
  ASSERT_EQ(bytes.size(), kBigBytes);
  EXPECT_EQ(bytes[0], 0xab);
  EXPECT_EQ(bytes[kBigBytes - 1], 0xcd);
  EXPECT_EQ(bytes[kBigBytes / 2], 0);
  // The read path too (one pread of 4 GiB, split by the io layer) when memory allows it.
  if (static_cast<std::uint64_t>(sysconf(_SC_AVPHYS_PAGES)) * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE)) > 3 * kBigBytes) {
    start = std::chrono::steady_clock::now();
    const SoA read = npz::load(path, std::vector<std::string>{"big"});
    std::printf("[ measured ] read load with CRC check: %.1f s\n", seconds_since(start));
    const auto read_bytes = read.at("big").as<std::uint8_t>();
    EXPECT_EQ(read_bytes[0], 0xab);
    EXPECT_EQ(read_bytes[kBigBytes - 1], 0xcd);
  } else {
    std::printf("[ skipped  ] reading the 4 GiB member into memory: less than 12 GiB of memory free\n");
  }
  start = std::chrono::steady_clock::now();
  EXPECT_EQ(run_numpy_oracle("check-large " + path.string()), 0);
  std::printf("[ measured ] zipfile.testzip (CRC of 4 GiB), numpy and unzip -t: %.1f s\n", seconds_since(start));
}

}  // namespace
