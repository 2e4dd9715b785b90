// Direct writes (io/direct_writer.hpp): bytes through the aligned staging buffers reach the file
// exactly, the tail too; checksums fused with the copy equal those of the data; a file system
// that refuses O_DIRECT (at open or at the first write) is written buffered without a word; and
// injected faults (ENOSPC, EIO, EINTR, short writes) are the same typed errors as buffered;
// aligned bytes are written from the caller's memory, without a copy.
#include <gtest/gtest.h>
#include <mpi.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "io/checksum.hpp"
#include "io/direct_writer.hpp"
#include "io/file.hpp"
#include "direct_faults.hpp"
#include "io/system_calls.hpp"
#include "soastore/errors.hpp"
#include "support/test_paths.hpp"

using soastore::IoError;
using namespace soastore::io;
using namespace soastore::testing;

namespace {

std::vector<std::byte> read_back(const std::filesystem::path& path) {
  File file = File::open_read(path);
  std::vector<std::byte> data(file.size());
  EXPECT_EQ(file.read_at(data, 0), data.size());
  return data;
}

// Writes `data` at 0 through a DirectWriter in pieces of `piece` bytes, checksumming it.
std::uint64_t write_direct(const std::filesystem::path& path, const std::vector<std::byte>& data, std::size_t piece) {
  File file = File::open_or_create_direct(path);
  std::uint64_t crc = 0;
  {
    DirectWriter writer(file, 0, data.size());
    for (std::size_t done = 0; done < data.size(); done += piece) {
      writer.append_crc64(std::span(data).subspan(done, std::min(piece, data.size() - done)), crc);
    }
    EXPECT_EQ(writer.offset(), data.size());
    writer.finish();
  }
  file.close();
  return crc;
}

class DirectWriterTest : public ::testing::Test {
 protected:
  void SetUp() override { faults = DirectFaults{}; }
  soastore::testing::ScratchDir scratch{MPI_COMM_SELF};
};

}  // namespace

TEST_F(DirectWriterTest, RoundTripsAcrossStagingBuffersWithAnUnalignedTail) {
  // Three staging buffers and a bit, so both buffers alternate and the tail is < 4096 bytes.
  for (const std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{4095}, std::size_t{4096},
                                 std::size_t{8193}, 3 * kStagingBytes + 12345}) {
    const auto data = pattern(size, static_cast<unsigned>(size));
    const std::filesystem::path path = scratch / ("f" + std::to_string(size));
    const std::uint64_t crc = write_direct(path, data, 1000003);
    EXPECT_EQ(read_back(path), data) << size;
    EXPECT_EQ(crc, crc64_xz(data)) << size;
  }
}

// Aligned bytes at an aligned stream offset go from the caller's memory: every direct write of
// their whole blocks reads the caller's array, and only the unaligned rest passes through
// staging. Bytes out of phase are copied as before. Either way the file and the CRC are exact.
TEST_F(DirectWriterTest, AlignedBytesAreWrittenFromTheCallersMemory) {
  const std::size_t size = 2 * kStagingBytes + 5 * kDirectAlignment + 123;
  const auto data = pattern(size + kDirectAlignment, 9);
  AlignedBuffer source = allocate_aligned(align_up(size + kDirectAlignment, kDirectAlignment));
  std::memcpy(source.get(), data.data(), data.size());
  const SystemCalls saved = system_calls();
  system_calls() = faulty_calls();
  for (const std::size_t phase : {std::size_t{0}, std::size_t{16}}) {
    faults.direct_sources.clear();
    const std::span<const std::byte> bytes(source.get() + phase, size);
    const std::filesystem::path path = scratch / ("in_place" + std::to_string(phase));
    File file = File::open_or_create_direct(path);
    if (!file.direct()) GTEST_SKIP() << "the scratch file system refuses O_DIRECT";
    std::uint64_t crc = 0;
    {
      DirectWriter writer(file, 0, size);
      writer.append_crc64(bytes, crc);
      writer.finish();
    }
    file.close();
    const auto from_source = std::count_if(faults.direct_sources.begin(), faults.direct_sources.end(), [&](const void* at) {
      return at >= bytes.data() && at < bytes.data() + bytes.size();
    });
    if (phase == 0) {
      EXPECT_EQ(from_source, 3) << "two 8 MiB pieces and the rest of the whole blocks";
      EXPECT_EQ(faults.direct_sources.size(), 3u) << "the tail (123 bytes) is written buffered";
    } else {
      EXPECT_EQ(from_source, 0);
    }
    EXPECT_EQ(read_back(path), std::vector<std::byte>(bytes.begin(), bytes.end())) << phase;
    EXPECT_EQ(crc, crc64_xz(bytes)) << phase;
  }
  system_calls() = saved;
}

TEST_F(DirectWriterTest, TheDescriptorIsDirectOnThisFileSystem) {
  // /tmp is ext4 here; where a test machine's scratch refuses O_DIRECT this says so.
  File file = File::open_or_create_direct(scratch / "probe");
  if (!file.direct()) GTEST_SKIP() << "the scratch file system refuses O_DIRECT";
  EXPECT_TRUE(is_direct(file.descriptor()));
}

TEST_F(DirectWriterTest, PaddingAndPatchesLandWhereAsked) {
  File file = File::open_or_create_direct(scratch / "p");
  const auto a = pattern(100, 3), b = pattern(5000, 4);
  {
    DirectWriter writer(file, 0, 20000);
    writer.append(a);
    writer.pad_to(kDirectAlignment);
    EXPECT_EQ(writer.offset(), kDirectAlignment);
    writer.append(b);
    const std::byte patch[2] = {std::byte{0xab}, std::byte{0xcd}};
    EXPECT_TRUE(writer.patch(10, patch));
    writer.finish();
  }
  file.close();
  auto expected = a;
  expected.resize(kDirectAlignment);
  expected.insert(expected.end(), b.begin(), b.end());
  expected[10] = std::byte{0xab};
  expected[11] = std::byte{0xcd};
  EXPECT_EQ(read_back(scratch / "p"), expected);
}

TEST_F(DirectWriterTest, RefusedAtOpenFallsBackSilentlyOncePerDirectory) {
  const ScopedSystemCalls calls(faulty_calls());
  faults.open_direct_errno = EINVAL;
  const soastore::testing::ScratchDir refusing{MPI_COMM_SELF};
  const auto data = pattern(3 * 4096 + 17);
  write_direct(refusing / "a", data, 4096);
  EXPECT_EQ(read_back(refusing / "a"), data);
  EXPECT_TRUE(direct_refused(refusing / "a"));
  EXPECT_EQ(faults.direct_writes, 0);
  // Known now: the next file there does not ask again.
  faults.open_direct_errno = 0;
  File again = File::open_or_create_direct(refusing / "b");
  EXPECT_FALSE(again.direct());
}

TEST_F(DirectWriterTest, RefusedAtTheFirstWriteFallsBackSilently) {
  const ScopedSystemCalls calls(faulty_calls());
  faults.direct_write_errno = EINVAL;  // as some file systems do: open accepts, write refuses
  const soastore::testing::ScratchDir refusing{MPI_COMM_SELF};
  const auto data = pattern(2 * kStagingBytes + 4096 * 3 + 100);
  const std::uint64_t crc = write_direct(refusing / "a", data, 777777);
  EXPECT_EQ(read_back(refusing / "a"), data);
  EXPECT_EQ(crc, crc64_xz(data));
  EXPECT_TRUE(direct_refused(refusing / "a"));
}

TEST_F(DirectWriterTest, EintrAndShortWritesLoseNothing) {
  const ScopedSystemCalls calls(faulty_calls());
  faults.eintr_left = 5;
  faults.max_transfer = 3 * 4096;  // aligned short writes: continued direct
  const auto data = pattern(kStagingBytes + 5000);
  write_direct(scratch / "a", data, 65536);
  EXPECT_EQ(read_back(scratch / "a"), data);
  faults.max_transfer = 1000;  // unaligned short writes: the remainder is refused, written buffered
  const auto other = pattern(5 * 4096 + 3, 9);
  write_direct(scratch / "b", other, 4096);
  EXPECT_EQ(read_back(scratch / "b"), other);
}

TEST_F(DirectWriterTest, EnospcAndEioAreTypedErrors) {
  const ScopedSystemCalls calls(faulty_calls());
  for (const int error : {ENOSPC, EIO}) {
    faults.write_errno = error;
    const auto data = pattern(3 * kStagingBytes);
    try {
      write_direct(scratch / "a", data, 1 << 20);
      ADD_FAILURE() << "no error for " << std::strerror(error);
    } catch (const IoError& e) {
      EXPECT_EQ(e.error_number(), error) << e.what();
      EXPECT_NE(std::string(e.what()).find("/a"), std::string::npos) << e.what();
    }
  }
}

TEST_F(DirectWriterTest, PreallocateReservesAndToleratesUnsupported) {
  const ScopedSystemCalls calls(faulty_calls());
  File file = File::open_or_create_direct(scratch / "pre");
  file.preallocate(0, 1 << 20);
  EXPECT_EQ(faults.fallocates, 1);
  EXPECT_EQ(file.size(), std::uint64_t{1} << 20);
}
