#pragma once
// Chunked transfers that let a checksum ride along with the copy. A store checksums every byte it
// writes or reads; done as a separate pass over a large array that costs a second trip through
// DRAM. Moving the data in chunks that fit the cache, and checksumming each chunk right before
// it is written (or right after it is read), makes the checksum read cache-hot bytes instead.

#include <sys/uio.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "io/file.hpp"

namespace soastore::io {

// 1 MiB: the size of one core's L2 cache here, small enough that a chunk is still in cache
// (L2/L3) when the kernel copies it, large enough that the per-call cost of a system call
// (about 1 µs against ~100 µs to copy the chunk) stays below 1 %.
inline constexpr std::size_t kChunkBytes = std::size_t{1} << 20;

// Calls `on_chunk` for consecutive pieces of `bytes` of at most kChunkBytes each.
template <typename Bytes, typename OnChunk>
void for_each_chunk(std::span<Bytes> bytes, OnChunk&& on_chunk) {
  for (std::size_t done = 0; done < bytes.size(); done += kChunkBytes) {
    on_chunk(bytes.subspan(done, std::min(kChunkBytes, bytes.size() - done)));
  }
}

// Writes a sequence of byte ranges back to back from `offset` on, gathering small ranges (headers,
// trailers) with the next large one into one pwritev once kChunkBytes are queued, so a stream of
// checksummed chunks is written a chunk at a time and small pieces cost no call of their own.
class GatheringWriter {
 public:
  GatheringWriter(File& file, std::uint64_t offset) : file_(file), offset_(offset) {}

  // Queues `bytes`; they must stay valid and unchanged until they are flushed.
  void append(std::span<const std::byte> bytes);
  // Appends `bytes` a chunk at a time, calling `on_chunk` on each chunk just before queueing it
  // (each chunk is flushed right after, while it is still in cache).
  template <typename OnChunk>
  void append_chunks(std::span<const std::byte> bytes, OnChunk&& on_chunk) {
    for_each_chunk(bytes, [&](std::span<const std::byte> chunk) {
      on_chunk(chunk);
      append(chunk);
    });
  }
  // Writes whatever is queued.
  void flush();
  // The file offset the next appended byte goes to.
  [[nodiscard]] std::uint64_t offset() const noexcept { return offset_ + queued_bytes_; }
  // True when the byte appended for file offset `offset` has already been written to the file.
  [[nodiscard]] bool has_written(std::uint64_t offset) const noexcept { return offset < offset_; }

 private:
  File& file_;
  std::uint64_t offset_;  // where the first queued byte goes
  std::vector<iovec> queued_;
  std::size_t queued_bytes_ = 0;
};

// Reads `data` at `offset` a chunk at a time, plus `tail` right after it (e.g. a CRC trailer),
// read together with the last chunk. Calls `on_chunk` on each chunk of `data` right after it
// arrived. Returns the bytes read into data and tail together: fewer only at end of file (then
// `on_chunk` has not seen the short chunk).
template <typename OnChunk>
std::size_t read_chunks(File& file, std::span<std::byte> data, std::uint64_t offset, std::span<std::byte> tail,
                        OnChunk&& on_chunk) {
  std::size_t total = 0;
  std::size_t done = 0;
  do {
    const std::size_t length = std::min(kChunkBytes, data.size() - done);
    const bool last = done + length == data.size();
    const iovec buffers[2] = {{data.data() + done, length}, {tail.data(), last ? tail.size() : 0}};
    const std::size_t wanted = length + buffers[1].iov_len;
    const std::size_t got = file.read_vectored_at(std::span(buffers, buffers[1].iov_len == 0 ? 1 : 2), offset + done);
    total += got;
    if (got != wanted) return total;
    on_chunk(std::span<const std::byte>(data.data() + done, length));
    done += length;
  } while (done < data.size());
  return total;
}

}  // namespace soastore::io
