#include "bench/raw_file_contender.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "bench/contenders.hpp"
#include "soastore/errors.hpp"

namespace soastore::bench {
namespace {

[[noreturn]] void fail(const char* operation, const std::filesystem::path& path) {
  const int error = errno;
  throw IoError(std::string("raw baseline: ") + operation + " '" + path.string() + "': " + std::strerror(error), error,
                path.string());
}

// One file descriptor, closed on every path; close() errors are reported by close_checked.
class Descriptor {
 public:
  Descriptor(const std::filesystem::path& path, int flags) : path_(path), fd_(::open(path.c_str(), flags, 0644)) {
    if (fd_ < 0) fail("open", path_);
  }
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;

  void write_all(const std::byte* data, std::size_t size) {
    while (size > 0) {
      const ssize_t written = ::write(fd_, data, size);
      if (written < 0 && errno == EINTR) continue;
      if (written < 0) fail("write", path_);
      data += written;
      size -= static_cast<std::size_t>(written);
    }
  }
  void read_all(std::byte* data, std::size_t size, std::uint64_t offset, bool positioned) {
    while (size > 0) {
      const ssize_t got = positioned ? ::pread(fd_, data, size, static_cast<off_t>(offset)) : ::read(fd_, data, size);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) fail("read", path_);
      if (got == 0) {
        errno = EIO;
        fail("read (file shorter than written)", path_);
      }
      data += got;
      offset += static_cast<std::uint64_t>(got);
      size -= static_cast<std::size_t>(got);
    }
  }
  void sync() {
    if (::fsync(fd_) != 0) fail("fsync", path_);
  }
  void close_checked() {
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) fail("close", path_);
  }

 private:
  std::filesystem::path path_;
  int fd_;
};

constexpr std::size_t kBlock = 4096;                // O_DIRECT alignment of buffers, offsets and lengths
constexpr std::size_t kRequest = 16 * 1024 * 1024;  // bytes per O_DIRECT request

std::uint64_t round_down(std::uint64_t value) { return value / kBlock * kBlock; }
std::uint64_t round_up(std::uint64_t value) { return (value + kBlock - 1) / kBlock * kBlock; }

void free_buffer(std::byte* buffer) { std::free(buffer); }

// The arrays back to back through the aligned buffer, a full request at a time; the last one
// padded with zeros to whole blocks (the layout knows where each array ends).
void write_through(Descriptor& out, std::byte* buffer, const SoA& soa) {
  std::size_t filled = 0;
  for (const auto& [name, array] : soa) {
    const auto* data = static_cast<const std::byte*>(array.data());
    for (std::size_t left = array.nbytes(); left > 0;) {
      const std::size_t part = std::min(left, kRequest - filled);
      std::memcpy(buffer + filled, data, part);
      filled += part;
      data += part;
      left -= part;
      if (filled == kRequest) {
        out.write_all(buffer, kRequest);
        filled = 0;
      }
    }
  }
  if (filled > 0) {
    const std::size_t padded = round_up(filled);
    std::memset(buffer + filled, 0, padded - filled);
    out.write_all(buffer, padded);
  }
}

// Bytes [offset, offset + size) of the file into `out`: whole aligned blocks around them, a
// request at a time, into the aligned buffer and copied from there.
void read_through(Descriptor& in, std::byte* buffer, std::uint64_t offset, std::size_t size, std::byte* out) {
  while (size > 0) {
    const std::uint64_t start = round_down(offset);
    const std::size_t skip = offset - start;
    const std::size_t length = std::min<std::uint64_t>(round_up(skip + size), kRequest);
    in.read_all(buffer, length, start, true);
    const std::size_t part = std::min(size, length - skip);
    std::memcpy(out, buffer + skip, part);
    out += part;
    offset += part;
    size -= part;
  }
}

// With an aligned buffer (O_DIRECT) through it, else straight into `out`; `positioned`: pread
// at `offset`, else read on from where the file is (buffered only).
void read_bytes(Descriptor& in, std::byte* direct_buffer, std::uint64_t offset, std::size_t size, std::byte* out,
                bool positioned) {
  if (direct_buffer != nullptr) {
    read_through(in, direct_buffer, offset, size, out);
  } else {
    in.read_all(out, size, offset, positioned);
  }
}

}  // namespace

RawFileContender::RawFileContender(std::filesystem::path dir, int rank, bool fsync, RawIo io)
    : dir_(std::move(dir)), rank_(rank), fsync_(fsync), io_(io), buffer_(nullptr, free_buffer) {
  if (io_ != RawIo::Direct) return;
  buffer_.reset(static_cast<std::byte*>(std::aligned_alloc(kBlock, kRequest)));
  if (!buffer_) throw std::bad_alloc();
  // Whether the file system takes O_DIRECT at all (tmpfs does not): ask it once, here.
  const std::filesystem::path probe = dir_ / ("raw_direct_probe.rank-" + std::to_string(rank_) + ".bin");
  { Descriptor check(probe, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_DIRECT); }
  ::unlink(probe.c_str());
}

std::string RawFileContender::name() const { return io_ == RawIo::Direct ? kRawDirect : kRaw; }

int RawFileContender::open_flags() const { return O_CLOEXEC | (io_ == RawIo::Direct ? O_DIRECT : 0); }

std::filesystem::path RawFileContender::file(const std::string& key) const {
  return dir_ / ("raw_" + key + ".rank-" + std::to_string(rank_) + ".bin");
}

const std::vector<RawFileContender::Column>& RawFileContender::layout(const std::string& key) const {
  const auto found = layouts_.find(key);
  if (found == layouts_.end()) throw KeyNotFound("raw baseline: key '" + key + "' not found");
  return found->second;
}

void RawFileContender::set(const std::string& key, const SoA& soa) {
  std::vector<Column> columns;
  Descriptor out(file(key), O_WRONLY | O_CREAT | O_TRUNC | open_flags());
  std::uint64_t offset = 0;
  for (const auto& [name, array] : soa) {
    if (io_ == RawIo::Buffered) out.write_all(static_cast<const std::byte*>(array.data()), array.nbytes());
    columns.push_back({name, array.dtype(), array.shape(), offset, array.nbytes()});
    offset += array.nbytes();
  }
  if (io_ == RawIo::Direct) write_through(out, buffer_.get(), soa);
  if (fsync_) out.sync();
  out.close_checked();
  layouts_.insert_or_assign(key, std::move(columns));
}

SoA RawFileContender::get(const std::string& key) {
  SoA soa;
  Descriptor in(file(key), O_RDONLY | open_flags());
  for (const Column& column : layout(key)) {
    Array array = Array::allocate(column.dtype, column.shape);
    auto* out = static_cast<std::byte*>(array.data());
    read_bytes(in, buffer_.get(), column.offset, column.nbytes, out, false);
    soa.insert(column.name, std::move(array));
  }
  in.close_checked();
  return soa;
}

SoA RawFileContender::get_field(const std::string& key, const std::string& field) {
  for (const Column& column : layout(key)) {
    if (column.name != field) continue;
    Descriptor in(file(key), O_RDONLY | open_flags());
    Array array = Array::allocate(column.dtype, column.shape);
    auto* out = static_cast<std::byte*>(array.data());
    read_bytes(in, buffer_.get(), column.offset, column.nbytes, out, true);
    in.close_checked();
    return SoA{{field, std::move(array)}};
  }
  throw KeyNotFound("raw baseline: field '" + field + "' not found in key '" + key + "'");
}

SoA RawFileContender::pop(const std::string& key) {
  SoA soa = get(key);
  remove(key);
  return soa;
}

void RawFileContender::remove(const std::string& key) {
  (void)layout(key);
  if (::unlink(file(key).c_str()) != 0) fail("unlink", file(key));
  layouts_.erase(key);
}

}  // namespace soastore::bench
