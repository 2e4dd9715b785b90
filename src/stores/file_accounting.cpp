#include "stores/file_accounting.hpp"

namespace soastore::stores {

void TransferCounters::add_to(StoreStats& stats) const {
  stats.bytes_written += bytes_written_;
  stats.bytes_read += bytes_read_;
  stats.disk_reads += reads_;
  stats.seconds_writing += static_cast<double>(nanoseconds_writing_) * 1e-9;
  stats.seconds_reading += static_cast<double>(nanoseconds_reading_) * 1e-9;
}

IoMode FileAccounting::read_mode(const std::string& key, IoMode io) const {
  if (io != IoMode::Auto) return io;
  const auto written = bytes_.find(key);
  return written != bytes_.end() && use_direct_io(IoMode::Auto, written->second) ? IoMode::Direct : IoMode::Buffered;
}

void FileAccounting::add_to(StoreStats& stats) const {
  stats.keys_on_disk += bytes_.size();
  for (const auto& [key, bytes] : bytes_) stats.bytes_on_disk += bytes;
  transfers_->add_to(stats);
}

}  // namespace soastore::stores
