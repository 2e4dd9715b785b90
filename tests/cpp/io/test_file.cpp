// The system-call wrapper: every partial-progress rule of POSIX I/O, proven by injecting faults
// through the replaceable system-call table.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cerrno>
#include <cstring>
#include <numeric>
#include <vector>

#include "io/file.hpp"
#include "io/system_calls.hpp"
#include "soastore/errors.hpp"
#include "support/test_paths.hpp"

using soastore::IoError;
using soastore::io::File;
using soastore::io::ScopedSystemCalls;
using soastore::io::SystemCalls;
using soastore::io::system_calls;

namespace {

std::vector<std::byte> pattern(std::size_t n) {
  std::vector<std::byte> data(n);
  for (std::size_t i = 0; i < n; ++i) data[i] = static_cast<std::byte>(i * 7 + 3);
  return data;
}

std::vector<std::byte> read_back(const std::filesystem::path& path) {
  File file = File::open_read(path);
  std::vector<std::byte> data(file.size());
  EXPECT_EQ(file.read_at(data, 0), data.size());
  return data;
}

// Fault state shared with the injected functions (plain function pointers cannot capture).
struct Faults {
  int eintr_left = 0;
  std::size_t max_transfer = SIZE_MAX;
  int fail_with = 0;
  int calls = 0;
} faults;

ssize_t faulty_pwrite(int fd, const void* buffer, size_t count, off_t offset) {
  ++faults.calls;
  if (faults.eintr_left > 0) {
    --faults.eintr_left;
    errno = EINTR;
    return -1;
  }
  if (faults.fail_with != 0) {
    errno = faults.fail_with;
    return -1;
  }
  return soastore::io::os_system_calls().pwrite(fd, buffer, std::min(count, faults.max_transfer), offset);
}

ssize_t faulty_pwritev(int fd, const iovec* iov, int iovcnt, off_t offset) {
  // Writes only (part of) the first buffer: a legal short vectored write.
  (void)iovcnt;
  return faulty_pwrite(fd, iov[0].iov_base, iov[0].iov_len, offset);
}

ssize_t faulty_pread(int fd, void* buffer, size_t count, off_t offset) {
  ++faults.calls;
  if (faults.eintr_left > 0) {
    --faults.eintr_left;
    errno = EINTR;
    return -1;
  }
  if (faults.fail_with != 0) {
    errno = faults.fail_with;
    return -1;
  }
  return soastore::io::os_system_calls().pread(fd, buffer, std::min(count, faults.max_transfer), offset);
}

ssize_t faulty_preadv(int fd, const iovec* iov, int iovcnt, off_t offset) {
  (void)iovcnt;
  return faulty_pread(fd, iov[0].iov_base, iov[0].iov_len, offset);
}

SystemCalls faulty_calls() {
  SystemCalls calls = soastore::io::os_system_calls();
  calls.pwrite = faulty_pwrite;
  calls.pwritev = faulty_pwritev;
  calls.pread = faulty_pread;
  calls.preadv = faulty_preadv;
  return calls;
}

class FileTest : public ::testing::Test {
 protected:
  void SetUp() override { faults = Faults{}; }
  soastore::testing::ScratchDir scratch{MPI_COMM_SELF};
};

}  // namespace

TEST_F(FileTest, WriteThenReadRoundTrips) {
  const auto data = pattern(10000);
  {
    File file = File::create(scratch / "a");
    file.write_at(data, 0);
    file.close();
  }
  EXPECT_EQ(read_back(scratch / "a"), data);
}

TEST_F(FileTest, VectoredWriteAndReadPlaceBuffersBackToBack) {
  const auto a = pattern(100), b = pattern(7), c = pattern(4096);
  {
    File file = File::create(scratch / "v");
    const iovec buffers[] = {{const_cast<std::byte*>(a.data()), a.size()},
                             {const_cast<std::byte*>(b.data()), 0},
                             {const_cast<std::byte*>(b.data()), b.size()},
                             {const_cast<std::byte*>(c.data()), c.size()}};
    file.write_vectored_at(buffers, 10);
    EXPECT_EQ(file.size(), 10 + a.size() + b.size() + c.size());
  }
  File file = File::open_read(scratch / "v");
  std::vector<std::byte> a2(a.size()), b2(b.size()), c2(c.size());
  const iovec targets[] = {{a2.data(), a2.size()}, {b2.data(), b2.size()}, {c2.data(), c2.size()}};
  EXPECT_EQ(file.read_vectored_at(targets, 10), a.size() + b.size() + c.size());
  EXPECT_EQ(a2, a);
  EXPECT_EQ(b2, b);
  EXPECT_EQ(c2, c);
}

TEST_F(FileTest, InterruptedAndShortWritesAndReadsContinue) {
  const auto data = pattern(5000);
  ScopedSystemCalls injected(faulty_calls());
  faults.eintr_left = 3;
  faults.max_transfer = 333;
  const auto a = pattern(1000), b = pattern(4000);
  {
    File file = File::create(scratch / "s");
    file.write_at(data, 0);
    const iovec buffers[] = {{const_cast<std::byte*>(a.data()), a.size()}, {const_cast<std::byte*>(b.data()), b.size()}};
    file.write_vectored_at(buffers, data.size());
  }
  EXPECT_GT(faults.calls, 20);
  faults.eintr_left = 2;
  File file = File::open_read(scratch / "s");
  std::vector<std::byte> back(data.size() + a.size() + b.size());
  EXPECT_EQ(file.read_at(back, 0), back.size());
  EXPECT_TRUE(std::equal(data.begin(), data.end(), back.begin()));
  EXPECT_TRUE(std::equal(a.begin(), a.end(), back.begin() + 5000));
  EXPECT_TRUE(std::equal(b.begin(), b.end(), back.begin() + 6000));
}

TEST_F(FileTest, FullDiskIsAnIoErrorWithEnospcAndThePath) {
  ScopedSystemCalls injected(faulty_calls());
  File file = File::create(scratch / "full");
  faults.fail_with = ENOSPC;
  try {
    file.write_at(pattern(10), 0);
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_EQ(e.error_number(), ENOSPC);
    EXPECT_EQ(e.path(), (scratch / "full").string());
    EXPECT_NE(std::string(e.what()).find("No space left"), std::string::npos) << e.what();
  }
}

TEST_F(FileTest, ReadErrorIsAnIoErrorWithEio) {
  { File::create(scratch / "r").write_at(pattern(10), 0); }
  ScopedSystemCalls injected(faulty_calls());
  faults.fail_with = EIO;
  File file = File::open_read(scratch / "r");
  std::vector<std::byte> buffer(10);
  try {
    (void)file.read_at(buffer, 0);
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_EQ(e.error_number(), EIO);
  }
}

TEST_F(FileTest, ReadStopsAtEndOfFile) {
  { File::create(scratch / "short").write_at(pattern(10), 0); }
  File file = File::open_read(scratch / "short");
  std::vector<std::byte> buffer(100);
  EXPECT_EQ(file.read_at(buffer, 0), 10u);
  EXPECT_EQ(file.read_at(buffer, 50), 0u);
}

TEST_F(FileTest, OpeningAMissingFileNamesItAndKeepsErrno) {
  try {
    (void)File::open_read(scratch / "missing");
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_EQ(e.error_number(), ENOENT);
    EXPECT_NE(std::string(e.what()).find("missing"), std::string::npos);
  }
}

TEST_F(FileTest, RenameRemoveTruncate) {
  {
    File file = File::create(scratch / "t");
    file.truncate(123);
    EXPECT_EQ(file.size(), 123u);
    file.sync();
  }
  soastore::io::rename_file(scratch / "t", scratch / "u");
  EXPECT_FALSE(std::filesystem::exists(scratch / "t"));
  EXPECT_TRUE(soastore::io::remove_file(scratch / "u"));
  EXPECT_FALSE(soastore::io::remove_file(scratch / "u"));
  EXPECT_THROW(soastore::io::rename_file(scratch / "t", scratch / "w"), IoError);
}
