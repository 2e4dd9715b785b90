#include "npz/inflater.hpp"

#include <algorithm>
#include <climits>

#include "npz/corrupt.hpp"

namespace soastore::npz {

Inflater::Inflater(std::span<const std::byte> input, const std::string& path, const std::string& member)
    : input_(input), path_(path), member_(member) {
  // Negative window bits: a raw deflate stream, without zlib's header and trailer.
  if (inflateInit2(&stream_, -MAX_WBITS) != Z_OK) throw std::bad_alloc();
}

Inflater::~Inflater() { inflateEnd(&stream_); }

void Inflater::fail(const std::string& what) const {
  throw_corrupt(path_, "member '" + member_ + "': deflate stream " + what);
}

std::size_t Inflater::fill(std::span<std::byte> out) {
  std::size_t produced = 0;
  while (produced < out.size() && !ended_) {
    // zlib counts in unsigned int: feed and drain at most that much per call.
    const std::size_t in_chunk = std::min<std::size_t>(input_.size() - consumed_, UINT_MAX);
    const std::size_t out_chunk = std::min<std::size_t>(out.size() - produced, UINT_MAX);
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(input_.data() + consumed_));
    stream_.avail_in = static_cast<uInt>(in_chunk);
    stream_.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    stream_.avail_out = static_cast<uInt>(out_chunk);
    const int status = inflate(&stream_, Z_NO_FLUSH);
    consumed_ += in_chunk - stream_.avail_in;
    produced += out_chunk - stream_.avail_out;
    if (status == Z_STREAM_END) {
      ended_ = true;
    } else if (status == Z_BUF_ERROR || (status == Z_OK && consumed_ == input_.size() && stream_.avail_out != 0)) {
      // No progress possible: the input ran out before the stream's end.
      fail("is truncated");
    } else if (status != Z_OK) {
      fail(std::string("is invalid: ") + (stream_.msg != nullptr ? stream_.msg : "zlib error " + std::to_string(status)));
    }
  }
  return produced;
}

void Inflater::expect_end() {
  std::byte extra{};
  if (fill({&extra, 1}) != 0) fail("inflates past the size its npy header declares");
  if (consumed_ != input_.size()) fail("is followed by unused bytes in the member");
}

}  // namespace soastore::npz
