#include "io/direct_writer.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "io/checksum.hpp"
#include "io/chunked_io.hpp"
#include "soastore/errors.hpp"

namespace soastore::io {
DirectWriter::DirectWriter(File& file, std::uint64_t offset, std::uint64_t expected_bytes)
    : file_(file),
      capacity_(static_cast<std::size_t>(
          std::clamp<std::uint64_t>(align_up(expected_bytes, kDirectAlignment), kDirectAlignment, kStagingBytes))),
      buffers_{allocate_aligned(capacity_), allocate_aligned(capacity_)},
      buffer_offset_(offset) {
  thread_ = std::thread([this] { run(); });
}

DirectWriter::~DirectWriter() {
  {
    const std::lock_guard lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void DirectWriter::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [&] { return stop_ || (pending_ && pending_data_ != nullptr); });
    if (!pending_ || pending_data_ == nullptr) return;  // stopped with nothing queued
    const std::byte* data = pending_data_;
    const std::size_t length = pending_length_;
    const std::uint64_t at = pending_offset_;
    lock.unlock();
    std::exception_ptr error;
    try {
      write_buffer(data, length, at);
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    if (error && !error_) error_ = error;
    pending_ = false;
    pending_data_ = nullptr;
    changed_.notify_all();
  }
}

void DirectWriter::write_buffer(const std::byte* data, std::size_t length, std::uint64_t at) {
  const std::span bytes(data, length);
  if (!file_.direct()) {
    file_.write_at(bytes, at);
    return;
  }
  try {
    file_.write_at(bytes, at);
  } catch (const IoError& e) {
    // EINVAL from a direct write: the file system refuses O_DIRECT after all (or a short write
    // left an unaligned rest). Write the whole buffer again, buffered: same bytes, same place.
    if (e.error_number() != EINVAL) throw;
    file_.reopen_buffered();
    file_.write_at(bytes, at);
  }
}

void DirectWriter::wait_idle() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return !pending_; });
  if (error_) {
    const std::exception_ptr error = error_;
    error_ = nullptr;
    std::rethrow_exception(error);
  }
}

void DirectWriter::hand_over(const std::byte* data, std::size_t length) {
  wait_idle();  // one write in flight: the buffer it used is free again once it is done
  {
    const std::lock_guard lock(mutex_);
    pending_ = true;
    pending_data_ = data;
    pending_length_ = length;
    pending_offset_ = buffer_offset_;
  }
  changed_.notify_all();
  buffer_offset_ += length;
}

void DirectWriter::submit(std::size_t length) {
  hand_over(buffers_[current_].get(), length);
  current_ = 1 - current_;
}

template <typename Checksum>
std::span<const std::byte> DirectWriter::write_in_place(std::span<const std::byte> bytes, Checksum& checksum) {
  // Below kChunkBytes a copy is cheap and saves a request. Whether the file is still direct does
  // not matter (and may not be read here: the writer thread may be reopening it buffered): the
  // caller's memory serves a buffered write as well as a staging buffer would.
  const std::size_t whole = static_cast<std::size_t>(align_down(bytes.size(), kDirectAlignment));
  if (whole < kChunkBytes || !is_direct_aligned(bytes.data()) || filled_ % kDirectAlignment != 0) return bytes;
  if (filled_ > 0) {
    submit(filled_);  // what was copied before these bytes goes first, in order
    filled_ = 0;
  }
  for (std::size_t done = 0; done < whole;) {
    const std::size_t piece = std::min(whole - done, kStagingBytes);
    const std::span<const std::byte> part = bytes.subspan(done, piece);
    checksum(part);  // while the previous piece is in the kernel
    hand_over(part.data(), piece);
    done += piece;
  }
  return bytes.subspan(whole);
}

template <typename Checksum>
void DirectWriter::append_with(std::span<const std::byte> bytes, Checksum&& checksum) {
  bytes = write_in_place(bytes, checksum);
  while (!bytes.empty()) {
    // Pieces of at most kChunkBytes: the checksum then reads what the copy just left in L2.
    const std::size_t step = std::min({bytes.size(), capacity_ - filled_, kChunkBytes});
    std::byte* target = buffers_[current_].get() + filled_;
    std::memcpy(target, bytes.data(), step);
    checksum(std::span<const std::byte>(target, step));
    filled_ += step;
    bytes = bytes.subspan(step);
    if (filled_ == capacity_) {
      submit(filled_);
      filled_ = 0;
    }
  }
}

void DirectWriter::append(std::span<const std::byte> bytes) {
  append_with(bytes, [](std::span<const std::byte>) {});
}

void DirectWriter::append_crc64(std::span<const std::byte> bytes, std::uint64_t& crc) {
  append_with(bytes, [&](std::span<const std::byte> piece) { crc = crc64_xz(piece, crc); });
}

void DirectWriter::append_crc32(std::span<const std::byte> bytes, std::uint32_t& crc) {
  append_with(bytes, [&](std::span<const std::byte> piece) { crc = crc32_zip(piece, crc); });
}

bool DirectWriter::patch(std::uint64_t at, std::span<const std::byte> bytes) {
  if (at < buffer_offset_ || at + bytes.size() > offset()) return false;
  std::memcpy(buffers_[current_].get() + (at - buffer_offset_), bytes.data(), bytes.size());
  return true;
}

void DirectWriter::pad_to(std::uint64_t alignment) {
  static constexpr std::byte kZeros[kDirectAlignment] = {};
  std::uint64_t missing = align_up(offset(), alignment) - offset();
  while (missing > 0) {
    const std::size_t step = static_cast<std::size_t>(std::min<std::uint64_t>(missing, sizeof kZeros));
    append(std::span(kZeros, step));
    missing -= step;
  }
}

void DirectWriter::finish() {
  const std::size_t whole = filled_ / kDirectAlignment * kDirectAlignment;
  const std::size_t tail = filled_ - whole;
  std::byte* const buffer = buffers_[current_].get();
  const std::uint64_t tail_offset = buffer_offset_ + whole;
  if (whole > 0) submit(whole);  // switches buffers: `buffer` still holds the tail
  wait_idle();
  filled_ = 0;
  if (tail == 0) return;
  const std::span<const std::byte> rest(buffer + whole, tail);
  if (!file_.direct()) {
    file_.write_at(rest, tail_offset);
  } else {
    File buffered = File::open_or_create(file_.path());
    buffered.write_at(rest, tail_offset);
    buffered.close();
  }
  buffer_offset_ = tail_offset + tail;
}

}  // namespace soastore::io
