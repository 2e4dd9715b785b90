#pragma once
// What a file storage contributes to StoreStats: the keys it holds files for, with this rank's
// bytes of each, and the bytes and seconds it wrote and read. The transfer counters are atomics
// behind a shared_ptr because a background write counts on the writer thread, after the storage
// handed it its serial part; the key ledger is the caller's thread's only.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "soastore/io_mode.hpp"
#include "soastore/store.hpp"

namespace soastore::stores {

class TransferCounters {
 public:
  // Runs `write`, counting `bytes` and its time (also when it throws: the time was spent).
  template <class Write>
  void count_write(std::uint64_t bytes, Write&& write) {
    const Timer timer(nanoseconds_writing_);
    write();
    bytes_written_ += bytes;
  }
  // Runs `read`, which returns an SoA, counting its bytes and time and one disk read.
  template <class Read>
  auto count_read(Read&& read) {
    const Timer timer(nanoseconds_reading_);
    auto value = read();
    bytes_read_ += value.nbytes();
    ++reads_;
    return value;
  }
  // A lazy open: one disk read, whose bytes are counted by the io layer when members are read.
  void count_open() { ++reads_; }
  void add_to(StoreStats& stats) const;

 private:
  class Timer {
   public:
    explicit Timer(std::atomic<std::int64_t>& total) : total_(total), start_(std::chrono::steady_clock::now()) {}
    ~Timer() { total_ += std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start_).count(); }
    Timer(const Timer&) = delete;
    Timer& operator=(const Timer&) = delete;

   private:
    std::atomic<std::int64_t>& total_;
    std::chrono::steady_clock::time_point start_;
  };

  std::atomic<std::uint64_t> bytes_written_{0};
  std::atomic<std::uint64_t> bytes_read_{0};
  std::atomic<std::uint64_t> reads_{0};
  std::atomic<std::int64_t> nanoseconds_writing_{0};
  std::atomic<std::int64_t> nanoseconds_reading_{0};
};

class FileAccounting {
 public:
  // The key has (or is being given) a file holding `bytes` of this rank's arrays.
  void stored(const std::string& key, std::uint64_t bytes) { bytes_[key] = bytes; }
  void erased(const std::string& key) { bytes_.erase(key); }
  [[nodiscard]] bool holds(const std::string& key) const { return bytes_.contains(key); }
  // How to read `key` when the store writes with `io`. Under auto a read follows its key's write,
  // not its own size: a value this rank wrote direct (at least kDirectIoThreshold bytes) has no
  // pages in the page cache, so even one field of it is read direct (get_field reads a few MB of
  // a step of hundreds); a smaller value was written buffered and may still be cached.
  [[nodiscard]] IoMode read_mode(const std::string& key, IoMode io) const;
  [[nodiscard]] TransferCounters& transfers() const noexcept { return *transfers_; }
  // For a serial part that runs on another thread.
  [[nodiscard]] std::shared_ptr<TransferCounters> shared_transfers() const { return transfers_; }
  void add_to(StoreStats& stats) const;

 private:
  std::map<std::string, std::uint64_t, std::less<>> bytes_;
  std::shared_ptr<TransferCounters> transfers_ = std::make_shared<TransferCounters>();
};

}  // namespace soastore::stores
