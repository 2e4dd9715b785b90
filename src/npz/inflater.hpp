#pragma once
// A raw deflate stream (zip method 8) inflated through zlib into buffers the caller owns, so the
// array data land directly in their Array. Every zlib failure, a truncated stream and a stream
// longer than expected are CorruptFile naming the archive and member.

#include <zlib.h>

#include <cstddef>
#include <span>
#include <string>

namespace soastore::npz {

class Inflater {
 public:
  Inflater(std::span<const std::byte> input, const std::string& path, const std::string& member);
  ~Inflater();
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  // Inflates into `out` until it is full or the stream ends; returns the bytes produced.
  std::size_t fill(std::span<std::byte> out);
  // CorruptFile unless the stream ends exactly here (no more output) and used all its input.
  void expect_end();

 private:
  [[noreturn]] void fail(const std::string& what) const;

  z_stream stream_{};
  std::span<const std::byte> input_;
  std::size_t consumed_ = 0;
  bool ended_ = false;
  const std::string& path_;
  const std::string& member_;
};

}  // namespace soastore::npz
