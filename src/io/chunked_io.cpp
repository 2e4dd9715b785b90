#include "io/chunked_io.hpp"

namespace soastore::io {

void GatheringWriter::append(std::span<const std::byte> bytes) {
  if (bytes.empty()) return;
  queued_.push_back({const_cast<std::byte*>(bytes.data()), bytes.size()});
  queued_bytes_ += bytes.size();
  if (queued_bytes_ >= kChunkBytes) flush();
}

void GatheringWriter::flush() {
  if (queued_.empty()) return;
  file_.write_vectored_at(queued_, offset_);
  offset_ += queued_bytes_;
  queued_.clear();
  queued_bytes_ = 0;
}

}  // namespace soastore::io
