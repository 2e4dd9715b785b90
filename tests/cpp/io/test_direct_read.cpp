// Direct reads (io/direct_reader.hpp): bytes reach the destination exactly for every mix of
// aligned and unaligned file offsets, destinations and lengths, nothing past the destination is
// touched, the checksum sees every chunk in order, aligned destinations are read into straight;
// a file system that refuses O_DIRECT (at open or at the first read) is read buffered without a
// word; EINTR and short reads lose nothing; EIO is a typed error.
#include <gtest/gtest.h>
#include <mpi.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <vector>

#include "io/aligned_buffer.hpp"
#include "io/checksum.hpp"
#include "io/direct_reader.hpp"
#include "io/file.hpp"
#include "direct_faults.hpp"
#include "io/system_calls.hpp"
#include "soastore/errors.hpp"
#include "soastore/io_counters.hpp"
#include "support/test_paths.hpp"

using soastore::IoError;
using namespace soastore::io;
using namespace soastore::testing;

namespace {

void write_file(const std::filesystem::path& path, const std::vector<std::byte>& data) {
  File file = File::create(path);
  file.write_at(data, 0);
  file.close();
}

// A destination of `length` bytes at `misalignment` past a 4 KiB boundary, with guard bytes
// around it up to the next boundaries and one block more, to see that nothing else is written.
class GuardedBuffer {
 public:
  static constexpr std::byte kGuard{0xee};
  GuardedBuffer(std::size_t length, std::size_t misalignment)
      : capacity_(align_up(misalignment + length, kDirectAlignment) + kDirectAlignment),
        memory_(allocate_aligned(capacity_)),
        offset_(misalignment),
        length_(length) {
    std::memset(memory_.get(), 0xee, capacity_);
  }
  [[nodiscard]] std::span<std::byte> span() noexcept { return {memory_.get() + offset_, length_}; }
  [[nodiscard]] bool guards_intact() const noexcept {
    for (std::size_t i = 0; i < capacity_; ++i) {
      if ((i < offset_ || i >= offset_ + length_) && memory_.get()[i] != kGuard) return false;
    }
    return true;
  }

 private:
  std::size_t capacity_;
  AlignedBuffer memory_;
  std::size_t offset_, length_;
};

bool direct_works_in(const std::filesystem::path& directory) {
  write_file(directory / "probe", pattern(1));
  return File::open_read(directory / "probe").open_direct_twin().has_value();
}

class DirectReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    faults = DirectFaults{};
    if (!direct_works_in(scratch.path())) GTEST_SKIP() << "the scratch file system refuses O_DIRECT";
  }
  soastore::testing::ScratchDir scratch{MPI_COMM_SELF};
};

}  // namespace

TEST_F(DirectReaderTest, BitExactForEveryMixOfAlignments) {
  const auto contents = pattern(kStagingBytes + 3 * kDirectAlignment + 12345);
  write_file(scratch / "f", contents);
  File file = File::open_read(scratch / "f");
  const std::size_t offsets[] = {0, 1, 4095, 4096, 8209};
  const std::size_t lengths[] = {0, 1, 100, 4095, 4096, 4097, (1 << 20) + 3, kStagingBytes + 2 * kDirectAlignment + 5};
  for (const std::size_t offset : offsets) {
    for (const std::size_t length : lengths) {
      // In phase with the file (straight reads), and out of phase (through the bounce buffer).
      for (const std::size_t misalignment : {offset % kDirectAlignment, (offset + 8) % kDirectAlignment}) {
        SCOPED_TRACE(::testing::Message() << "offset " << offset << " length " << length << " misalignment "
                                          << misalignment);
        DirectReader reader(file, true);
        ASSERT_TRUE(reader.direct());
        GuardedBuffer data(length, misalignment);
        std::array<std::byte, 8> tail{};
        std::uint64_t crc = 0;
        const auto checksum = [&](std::span<const std::byte> chunk) { crc = crc64_xz(chunk, crc); };
        const std::size_t got = reader.read_chunks(data.span(), offset, tail, checksum);
        ASSERT_EQ(got, length + tail.size());
        const std::span<const std::byte> expected(contents.data() + offset, length);
        EXPECT_TRUE(std::equal(expected.begin(), expected.end(), data.span().begin()));
        EXPECT_TRUE(std::equal(tail.begin(), tail.end(), contents.begin() + static_cast<std::ptrdiff_t>(offset + length)));
        EXPECT_EQ(crc, crc64_xz(expected));
        EXPECT_TRUE(data.guards_intact());
      }
    }
  }
}

TEST_F(DirectReaderTest, AnAlignedDestinationIsReadIntoStraightAndCounted) {
  const auto contents = pattern(3 * kStagingBytes + 100);
  write_file(scratch / "f", contents);
  File file = File::open_read(scratch / "f");
  const ScopedSystemCalls calls(faulty_calls());
  const soastore::IoCounters before = soastore::io_counters();
  AlignedBuffer memory = allocate_aligned(align_up(contents.size(), kDirectAlignment));
  const std::span<std::byte> data(memory.get(), contents.size());
  DirectReader reader(file, true);
  ASSERT_EQ(reader.read_chunks(data, 0, {}, [](std::span<const std::byte>) {}), contents.size());
  EXPECT_EQ(std::memcmp(data.data(), contents.data(), contents.size()), 0);
  // Three 8 MiB requests straight into the destination, the last 100 bytes through the bounce
  // buffer (a 4 KiB request that returns them, then one that finds the end of the file).
  ASSERT_EQ(faults.direct_targets.size(), 5u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(faults.direct_targets[i], data.data() + i * kStagingBytes);
  EXPECT_NE(faults.direct_targets[3], data.data() + 3 * kStagingBytes);
  const soastore::IoCounters after = soastore::io_counters();
  EXPECT_EQ(after.direct_read_calls - before.direct_read_calls, 5u);
  EXPECT_EQ(after.bytes_read_direct - before.bytes_read_direct, contents.size());
}

TEST_F(DirectReaderTest, ReadsPastTheEndAreShort) {
  const auto contents = pattern(3 * kDirectAlignment + 10);
  write_file(scratch / "f", contents);
  File file = File::open_read(scratch / "f");
  for (const std::size_t offset : {std::size_t{0}, std::size_t{5}}) {
    AlignedBuffer memory = allocate_aligned(8 * kDirectAlignment);
    DirectReader reader(file, true);
    const std::size_t got = reader.read_chunks(std::span(memory.get() + offset, 5 * kDirectAlignment), offset, {},
                                               [](std::span<const std::byte>) {});
    EXPECT_EQ(got, contents.size() - offset);
    EXPECT_EQ(std::memcmp(memory.get() + offset, contents.data() + offset, got), 0);
  }
}

TEST_F(DirectReaderTest, RefusedAtOpenFallsBackSilently) {
  const ScopedSystemCalls calls(faulty_calls());
  faults.open_direct_errno = EINVAL;
  const soastore::testing::ScratchDir refusing{MPI_COMM_SELF};
  const auto contents = pattern(kDirectAlignment * 5 + 3);
  write_file(refusing / "a", contents);
  File file = File::open_read(refusing / "a");
  DirectReader reader(file, true);
  EXPECT_FALSE(reader.direct());
  std::vector<std::byte> data(contents.size());
  EXPECT_EQ(reader.read_chunks(data, 0, {}, [](std::span<const std::byte>) {}), data.size());
  EXPECT_EQ(data, contents);
  EXPECT_EQ(faults.direct_reads, 0);
  EXPECT_TRUE(direct_refused(refusing / "a"));
}

TEST_F(DirectReaderTest, RefusedAtTheFirstReadFallsBackSilently) {
  const ScopedSystemCalls calls(faulty_calls());
  faults.direct_read_errno = EINVAL;  // as some file systems do: open accepts, read refuses
  const soastore::testing::ScratchDir refusing{MPI_COMM_SELF};
  const auto contents = pattern(kStagingBytes + 4096 * 3 + 100);
  write_file(refusing / "a", contents);
  File file = File::open_read(refusing / "a");
  DirectReader reader(file, true);
  std::vector<std::byte> data(contents.size() - 16);
  std::array<std::byte, 8> tail{};
  std::uint64_t crc = 0;
  EXPECT_EQ(reader.read_chunks(data, 8, tail, [&](std::span<const std::byte> chunk) { crc = crc64_xz(chunk, crc); }),
            data.size() + 8);
  EXPECT_TRUE(std::equal(data.begin(), data.end(), contents.begin() + 8));
  EXPECT_EQ(crc, crc64_xz(data));
  EXPECT_FALSE(reader.direct());
  EXPECT_EQ(faults.direct_reads, 1);
  EXPECT_TRUE(direct_refused(refusing / "a"));
}

TEST_F(DirectReaderTest, EintrAndShortReadsLoseNothing) {
  const auto contents = pattern(kStagingBytes + 5000);
  write_file(scratch / "f", contents);
  File file = File::open_read(scratch / "f");
  const ScopedSystemCalls calls(faulty_calls());
  for (const std::size_t max_transfer : {std::size_t{3 * 4096}, std::size_t{1000}}) {
    // Aligned short reads are continued direct; an unaligned one leaves a remainder the kernel
    // refuses (EINVAL), which is then read buffered.
    SCOPED_TRACE(max_transfer);
    faults.eintr_left = 5;
    faults.max_transfer = max_transfer;
    AlignedBuffer memory = allocate_aligned(align_up(contents.size(), kDirectAlignment));
    const std::span<std::byte> data(memory.get(), contents.size());
    DirectReader reader(file, true);
    std::uint64_t crc = 0;
    EXPECT_EQ(reader.read_chunks(data, 0, {}, [&](std::span<const std::byte> chunk) { crc = crc64_xz(chunk, crc); }),
              data.size());
    EXPECT_EQ(std::memcmp(data.data(), contents.data(), data.size()), 0);
    EXPECT_EQ(crc, crc64_xz(contents));
    EXPECT_EQ(faults.eintr_left, 0);
  }
}

TEST_F(DirectReaderTest, EioIsATypedError) {
  write_file(scratch / "f", pattern(3 * kDirectAlignment));
  File file = File::open_read(scratch / "f");
  const ScopedSystemCalls calls(faulty_calls());
  faults.direct_read_errno = EIO;
  DirectReader reader(file, true);
  std::vector<std::byte> data(2 * kDirectAlignment);
  try {
    (void)reader.read_chunks(data, 0, {}, [](std::span<const std::byte>) {});
    ADD_FAILURE() << "no error";
  } catch (const IoError& e) {
    EXPECT_EQ(e.error_number(), EIO) << e.what();
    EXPECT_NE(std::string(e.what()).find("/f"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(reader.direct()) << "EIO is no refusal of O_DIRECT";
}
