#include "io/direct_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "soastore/errors.hpp"

namespace soastore::io {
namespace {

// Copies `bytes` into the destination (data, then tail) from position `at` on. Each piece that
// lands in data is handed to `on_chunk` right after its copy, while it is still in L2: the
// bounce buffer's bytes are passed over once, not once for the copy and again for the CRC.
void copy_out(std::span<const std::byte> bytes, std::span<std::byte> data, std::span<std::byte> tail, std::size_t at,
              const std::function<void(std::span<const std::byte>)>& on_chunk) {
  if (at < data.size()) {
    const std::size_t into_data = std::min(bytes.size(), data.size() - at);
    for_each_chunk(bytes.first(into_data), [&](std::span<const std::byte> piece) {
      std::byte* target = data.data() + at;
      std::memcpy(target, piece.data(), piece.size());
      on_chunk(std::span<const std::byte>(target, piece.size()));
      at += piece.size();
    });
    bytes = bytes.subspan(into_data);
  }
  if (!bytes.empty()) std::memcpy(tail.data() + (at - data.size()), bytes.data(), bytes.size());
}

}  // namespace

DirectReader::DirectReader(File& file, bool direct) : file_(file) {
  if (direct) direct_ = file.open_direct_twin();
}

std::byte* DirectReader::bounce(std::size_t bytes) {
  if (bytes > bounce_capacity_) {
    bounce_ = allocate_aligned(bytes);
    bounce_capacity_ = bytes;
  }
  return bounce_.get();
}

std::size_t DirectReader::read_direct(std::span<std::byte> data, std::uint64_t offset, std::span<std::byte> tail,
                                      const ChunkCallback& on_chunk) {
  const std::size_t total = data.size() + tail.size();
  // Destination and file agree modulo the alignment: then whole blocks of data can go straight
  // into the destination once the file offset is aligned.
  const bool in_phase = (reinterpret_cast<std::uintptr_t>(data.data()) - offset) % kDirectAlignment == 0;
  std::size_t done = 0;
  try {
    while (done < total) {
      const std::uint64_t at = offset + done;
      const std::size_t data_left = done < data.size() ? data.size() - done : 0;
      if (in_phase && at % kDirectAlignment == 0 && data_left >= kDirectAlignment) {
        const std::size_t length = std::min<std::size_t>(kStagingBytes, align_down(data_left, kDirectAlignment));
        const std::span<std::byte> target = data.subspan(done, length);
        const std::size_t got = direct_->read_at(target, at);
        for_each_chunk(target.first(got), on_chunk);
        done += got;
        if (got < length) return done;  // end of file
        continue;
      }
      // Through the bounce buffer in whole aligned blocks: in phase only the head, up to where
      // straight reads begin; otherwise as much of the rest as a staging buffer holds.
      const std::uint64_t start = align_down(at, kDirectAlignment);
      const auto skip = static_cast<std::size_t>(at - start);
      const std::size_t wanted = in_phase && data_left >= kDirectAlignment ? kDirectAlignment - skip : total - done;
      const auto length = static_cast<std::size_t>(
          std::min<std::uint64_t>(kStagingBytes, align_up(skip + wanted, kDirectAlignment)));
      std::byte* buffer = bounce(length);
      const std::size_t got = direct_->read_at(std::span(buffer, length), start);
      const std::size_t needed = std::min(length - skip, total - done);
      const std::size_t usable = got > skip ? std::min(got - skip, needed) : 0;
      copy_out(std::span<const std::byte>(buffer + skip, usable), data, tail, done, on_chunk);
      done += usable;
      if (usable < needed) return done;  // end of file
    }
  } catch (const IoError& e) {
    // EINVAL: the file system took O_DIRECT at the open but refuses it now, or an (injected)
    // short read left an unaligned remainder. The rest is read buffered: same bytes.
    if (e.error_number() != EINVAL) throw;
    remember_direct_refused(file_.path());
    direct_.reset();
    return done + read_rest_buffered(data, offset, tail, done, on_chunk);
  }
  return done;
}

std::size_t DirectReader::read_rest_buffered(std::span<std::byte> data, std::uint64_t offset,
                                             std::span<std::byte> tail, std::size_t done,
                                             const ChunkCallback& on_chunk) {
  if (done < data.size()) return io::read_chunks(file_, data.subspan(done), offset + done, tail, on_chunk);
  return file_.read_at(tail.subspan(done - data.size()), offset + done);
}

}  // namespace soastore::io
