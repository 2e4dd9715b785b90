#pragma once
// Sequential writes with O_DIRECT (docs/performance.md, "Direct I/O").
//
// Bytes that start on a 4 KiB boundary of memory where the stream is on one too (the arrays of
// 4 MiB and more soastore allocates are 2 MiB-aligned, and blocks and npz members of a direct
// layout start on 4 KiB boundaries) are written straight from the caller's memory, without a
// copy: the checksum reads each 8 MiB piece while the writer thread has the previous one in the
// kernel. That leaves the CPU a direct write costs at one read pass for the checksum, where a
// staging copy would add a second pass. The caller's memory must stay unchanged until finish().
//
// Other bytes are copied into 4 KiB-aligned staging buffers, the copy fused with the checksum:
// each piece is copied and then checksummed while it is still in L2, one pass over the data from
// DRAM instead of two. Two staging buffers alternate: while a writer thread has one in the kernel
// (sleeping there during the DMA, costing no CPU), the caller fills the other.
//
// Why a thread, not io_uring: one sequential stream per file needs only one write in flight
// behind the copy, which a thread gives with a condition variable; it keeps every write on the
// system-call table (io/system_calls.hpp), so the fault-injection tests (ENOSPC, EIO, EINTR,
// short writes) cover the direct path as they cover the buffered one, where io_uring would bypass
// the table; and it needs no new library or kernel feature (io_uring is often disabled in
// containers and by sysctl).
//
// Tail: the bytes after the last whole 4 KiB block (fewer than 4096) are written through a
// buffered descriptor of the same file, so no write goes past the real end of the data and no
// ftruncate is needed afterwards (a padded last block would need one, and in a shared file that
// truncate would have to wait for every rank). No other writer touches that last block: blocks
// of a direct layout start on 4 KiB boundaries.
//
// Fallback: a file system that takes O_DIRECT at open and refuses the first write with EINVAL
// gets the file reopened buffered and the buffer written again (io::File::reopen_buffered); an
// injected short write that leaves an unaligned remainder is handled the same way. Nothing is
// raised for either.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <span>
#include <thread>

#include "io/aligned_buffer.hpp"
#include "io/file.hpp"

namespace soastore::io {


class DirectWriter {
 public:
  // Writes from `offset` (a multiple of kDirectAlignment) of `file`. `expected_bytes` (what will
  // be appended, roughly) sizes the staging buffers: no 16 MiB for a few KiB. Works on a buffered
  // `file` as well (then every write is plain).
  DirectWriter(File& file, std::uint64_t offset, std::uint64_t expected_bytes);
  ~DirectWriter();  // waits for the write in flight; what finish() did not write is dropped
  DirectWriter(const DirectWriter&) = delete;
  DirectWriter& operator=(const DirectWriter&) = delete;

  // Adds `bytes` to the stream (by reference when they are aligned: see above).
  void append(std::span<const std::byte> bytes);
  // Adds `bytes` to the stream and chains their CRC-64 (GenericIO's) into `crc`, or their
  // CRC-32 (zip's) into `crc32`: each piece checksummed right after its copy, while cache-hot.
  void append_crc64(std::span<const std::byte> bytes, std::uint64_t& crc);
  void append_crc32(std::span<const std::byte> bytes, std::uint32_t& crc);
  // Zero bytes up to the next file offset that is a multiple of `alignment`.
  void pad_to(std::uint64_t alignment);
  // Overwrites already appended bytes at file offset `at` if they are still in the buffer being
  // filled; false when they have gone to the thread (the caller writes them itself after finish).
  bool patch(std::uint64_t at, std::span<const std::byte> bytes);
  // The file offset of the next appended byte.
  [[nodiscard]] std::uint64_t offset() const noexcept { return buffer_offset_ + filled_; }
  // Writes everything appended (whole blocks direct, the tail buffered) and waits for it;
  // IoError from any write.
  void finish();

 private:
  template <typename Checksum>
  void append_with(std::span<const std::byte> bytes, Checksum&& checksum);
  // Writes the whole 4 KiB blocks at the front of `bytes` from the caller's memory when they and
  // the stream are aligned; returns the rest, to be copied.
  template <typename Checksum>
  std::span<const std::byte> write_in_place(std::span<const std::byte> bytes, Checksum& checksum);
  // Hands `length` bytes at `data` (written at the stream's offset) to the thread, once the write
  // in flight is done.
  void hand_over(const std::byte* data, std::size_t length);
  void submit(std::size_t length);  // hands the current buffer to the thread, switches buffers
  void wait_idle();                 // waits for the write in flight; rethrows its error
  void run();                       // the writer thread
  void write_buffer(const std::byte* data, std::size_t length, std::uint64_t at);

  File& file_;
  std::size_t capacity_;
  AlignedBuffer buffers_[2];
  int current_ = 0;
  std::size_t filled_ = 0;          // bytes in the current buffer
  std::uint64_t buffer_offset_;     // file offset of the current buffer's first byte

  std::mutex mutex_;
  std::condition_variable changed_;
  bool pending_ = false;  // a buffer waits for or is in the write
  bool stop_ = false;
  const std::byte* pending_data_ = nullptr;
  std::size_t pending_length_ = 0;
  std::uint64_t pending_offset_ = 0;
  std::exception_ptr error_;
  std::thread thread_;
};

}  // namespace soastore::io
